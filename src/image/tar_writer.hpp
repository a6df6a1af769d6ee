#pragma once
// Writing a tar stream to an fd while hashing the bytes written. Used by layer diff,
// archive save and import, and by tests to craft layers (including hostile ones: the
// writer does not sanitize names).
#include <archive.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "image/digest.hpp"

namespace berth::image {

struct TarHeader {
    std::string name;
    mode_t type = 0100000;  // S_IFREG; S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO
    mode_t mode = 0644;     // permission bits incl. setuid/setgid/sticky
    int64_t uid = 0;
    int64_t gid = 0;
    int64_t mtime = 0;
    std::string symlink;   // target of a symlink
    std::string hardlink;  // name of an earlier entry this one is a hard link to
    dev_t rdev = 0;
    uint64_t size = 0;     // regular files
    std::vector<std::pair<std::string, std::string>> xattrs;  // written in this order
};

enum class TarCompression { none, gzip, zstd };

class TarWriter {
public:
    // Does not own `fd`. The digest covers the bytes written to fd (compressed if asked).
    explicit TarWriter(int fd, TarCompression compression = TarCompression::none);
    ~TarWriter();
    TarWriter(const TarWriter&) = delete;
    TarWriter& operator=(const TarWriter&) = delete;

    // Header, then exactly `h.size` bytes through write_data for regular files.
    void write_header(const TarHeader& h);
    void write_data(const void* data, size_t size);
    // Convenience: a whole small entry.
    void add(const TarHeader& h, std::string_view data = {});
    // Copies `size` bytes from `fd` (read from its current offset) as the entry's data.
    void copy_from_fd(int fd, uint64_t size, const std::string& shown);

    // Writes the end-of-archive blocks; returns the digest of everything written.
    Digest finish();
    uint64_t bytes_written() const { return written_; }

private:
    static la_ssize_t write_cb(archive*, void* self, const void* buf, size_t size);
    [[noreturn]] void fail(const std::string& doing);
    int fd_;
    archive* a_ = nullptr;
    Hasher hasher_;
    uint64_t written_ = 0;
    bool finished_ = false;
    // File contents are copied through this, allocated on first use. (It was a 256 KiB static
    // thread_local: glibc zeroes static TLS at every thread's creation, so each thread of
    // berthd carried 256 KiB of resident stack whether it ever wrote a tar or not.)
    std::unique_ptr<char[]> copy_buf_;
};

}  // namespace berth::image
