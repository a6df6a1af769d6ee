#include "image/archive_busybox.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "image/archive_import.hpp"
#include "image/tar_path.hpp"
#include "image/tar_writer.hpp"

namespace berth::image {

namespace {

// `busybox --list-full`: "bin/sh", "usr/bin/env", ... (exec, no shell).
std::vector<std::string> applets(const std::string& binary) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd rd(pipefd[0]), wr(pipefd[1]);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::dup2(wr.get(), 1);
        const char* argv[] = {binary.c_str(), "--list-full", nullptr};
        ::execv(binary.c_str(), const_cast<char* const*>(argv));
        ::_exit(127);
    }
    wr.reset();
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(rd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw Error(Errc::unavailable, binary + " --list-full failed; is busybox-static installed?");
    }
    std::vector<std::string> list;
    size_t pos = 0;
    while (pos < out.size()) {
        size_t nl = out.find('\n', pos);
        if (nl == std::string::npos) nl = out.size();
        std::string line = out.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty() || line == "bin/busybox") continue;
        split_entry_path(line);  // refuses anything odd
        list.push_back(line);
    }
    std::sort(list.begin(), list.end());
    return list;
}

std::string rfc3339(time_t t) {
    char buf[32];
    struct tm tm {};
    ::gmtime_r(&t, &tm);
    ::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

Digest build_busybox_image(const ArchiveTargets& targets, const BusyboxOptions& options) {
    UniqueFd bin(::open(options.binary.c_str(), O_RDONLY | O_CLOEXEC));
    if (!bin) throw_errno("open " + options.binary);
    struct stat st {};
    if (::fstat(bin.get(), &st) < 0) throw_errno("stat " + options.binary);
    std::vector<std::string> links = applets(options.binary);

    UniqueFd tar(::memfd_create("busybox-rootfs", MFD_CLOEXEC));
    if (!tar) throw_errno("memfd_create");
    {
        TarWriter w(tar.get());
        int64_t mtime = st.st_mtim.tv_sec;
        auto dir = [&](const std::string& name, mode_t mode) {
            TarHeader h;
            h.name = name;
            h.type = S_IFDIR;
            h.mode = mode;
            h.mtime = mtime;
            w.add(h);
        };
        auto file = [&](const std::string& name, const std::string& data, mode_t mode = 0644) {
            TarHeader h;
            h.name = name;
            h.mode = mode;
            h.mtime = mtime;
            w.add(h, data);
        };
        std::set<std::string> dirs = {"bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var",
                                      "var/spool", "var/spool/mail", "var/www"};
        for (const auto& l : links) {
            for (size_t p = l.find('/'); p != std::string::npos; p = l.find('/', p + 1)) dirs.insert(l.substr(0, p));
        }
        for (const auto& d : dirs) dir(d, d == "tmp" ? 01777 : (d == "root" ? 0700 : 0755));
        TarHeader h;
        h.name = "bin/busybox";
        h.mode = 0755;
        h.mtime = mtime;
        h.size = static_cast<uint64_t>(st.st_size);
        w.write_header(h);
        w.copy_from_fd(bin.get(), h.size, options.binary);
        for (const auto& l : links) {
            TarHeader link;
            link.name = l;
            link.mode = 0755;
            link.mtime = mtime;
            link.hardlink = "bin/busybox";
            w.add(link);
        }
        file("etc/passwd",
             "root:x:0:0:root:/root:/bin/sh\n"
             "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
             "bin:x:2:2:bin:/bin:/bin/false\n"
             "sys:x:3:3:sys:/dev:/bin/false\n"
             "sync:x:4:100:sync:/bin:/bin/sync\n"
             "mail:x:8:8:mail:/var/spool/mail:/bin/false\n"
             "www-data:x:33:33:www-data:/var/www:/bin/false\n"
             "operator:x:37:37:Operator:/var:/bin/false\n"
             "nobody:x:65534:65534:nobody:/home:/bin/false\n");
        file("etc/group",
             "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\n"
             "mail:x:8:\nwww-data:x:33:\noperator:x:37:\nstaff:x:50:\nusers:x:100:\nnogroup:x:65534:\n");
        file("etc/hostname", "busybox\n");
        file("etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        w.finish();
    }
    if (::lseek(tar.get(), 0, SEEK_SET) < 0) throw_errno("lseek");
    ImportOptions io;
    io.changes = {"CMD [\"sh\"]", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
    io.message = "busybox from " + options.binary;
    io.tag = options.tag;
    io.created = rfc3339(st.st_mtim.tv_sec);
    return import_rootfs(tar.get(), targets, io);
}

}  // namespace berth::image
