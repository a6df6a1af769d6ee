#include "shim/memory_trim.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace berth::shim {

void release_unused_memory() noexcept {
    ::malloc_trim(0);
    char exe[4096];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return;
    exe[n] = '\0';
    FILE* f = std::fopen("/proc/self/smaps", "re");
    if (!f) return;
    // Collect first, madvise after: the file must be read to the end before mappings change.
    struct Range {
        unsigned long start, end;
    } ranges[32];
    int count = 0;
    char line[4352];
    unsigned long start = 0, end = 0;
    bool ours = false;
    while (std::fgets(line, sizeof line, f)) {
        unsigned long a, b;
        char perms[8];
        if (std::sscanf(line, "%lx-%lx %7s", &a, &b, perms) == 3 && std::strchr(line, '-') < std::strchr(line, ' ')) {
            start = a;
            end = b;
            const char* path = std::strchr(line, '/');
            ours = path && std::strncmp(path, exe, static_cast<size_t>(n)) == 0 && perms[1] == '-';
            continue;
        }
        long kb;
        if (ours && std::sscanf(line, "Anonymous: %ld kB", &kb) == 1) {
            if (kb == 0 && count < 32) ranges[count++] = {start, end};
            ours = false;
        }
    }
    std::fclose(f);
    for (int i = 0; i < count; ++i) {
        ::madvise(reinterpret_cast<void*>(ranges[i].start), ranges[i].end - ranges[i].start, MADV_DONTNEED);
    }
}

}  // namespace berth::shim
