// Fuzzes the layer applier with arbitrary (possibly compressed) tar streams, in both
// whiteout modes and with docker cp's rules (first byte: bit 0 overlay, bit 1 cp, bit 2
// noOverwriteDirNonDir). Beyond crashes it checks the one property that matters: nothing is
// ever created outside the extraction root.
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/layer_apply.hpp"

namespace {

std::string sandbox() {
    // Never destroyed: the atexit cleanup below runs after static destructors would.
    static const std::string& dir = *new std::string([] {
        char tmpl[] = "/tmp/berth-fuzz-apply-XXXXXX";
        if (!::mkdtemp(tmpl)) std::abort();
        std::string d = tmpl;
        berth::mkdir_all(d + "/outside");
        std::atexit([] { berth::remove_all(sandbox()); });
        return d;
    }());
    return dir;
}

size_t count_entries(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return 0;
    size_t n = 0;
    while (dirent* e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++n;
    }
    ::closedir(d);
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    std::string box = sandbox();
    berth::UniqueFd fd(::memfd_create("fuzz", MFD_CLOEXEC));
    if (!fd || ::write(fd.get(), data + 1, size - 1) != static_cast<ssize_t>(size - 1)) std::abort();
    ::lseek(fd.get(), 0, SEEK_SET);
    berth::image::ApplyOptions o;
    o.mode = (data[0] & 1) ? berth::image::WhiteoutMode::overlay : berth::image::WhiteoutMode::flatten;
    // Bit 1: docker cp's rules (no whiteouts, lexical names, noOverwriteDirNonDir by bit 2).
    if (data[0] & 2) o.copy = berth::image::CopyRules{"/dest", (data[0] & 4) != 0};
    o.preserve_owners = false;
    std::string target = box + "/outside/target";
    try {
        berth::image::apply_layer(fd.get(), target, o);
    } catch (const berth::Error&) {
    }
    // Only the target (or nothing, when refused) may exist next to it, and nothing above.
    if (count_entries(box + "/outside") > 1 || count_entries(box) != 1) {
        std::fprintf(stderr, "layer wrote outside its root\n");
        std::abort();
    }
    berth::remove_all(target);
    return 0;
}
