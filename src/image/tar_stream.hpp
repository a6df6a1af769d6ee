#pragma once
// Reading a layer tar (plain, gzip, zstd, xz, bzip2) from an fd, one entry at a time,
// while hashing the *uncompressed* bytes: the diff id of a layer is the sha256 of the
// uncompressed tar, so it must be computed from the same bytes the entries come from.
#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <functional>
#include <string>

#include "image/digest.hpp"

namespace berth::image {

class TarReader {
public:
    // Does not own `fd`. `what` names the stream in error messages ("layer sha256:...").
    // `hash` off skips the digest (archives whose members are hashed on their own).
    TarReader(int fd, std::string what, bool hash = true);
    ~TarReader();
    TarReader(const TarReader&) = delete;
    TarReader& operator=(const TarReader&) = delete;

    // The next entry header, or nullptr at the end of the archive.
    archive_entry* next();
    // Reads the current entry's data; 0 at its end.
    size_t read(void* buf, size_t size);
    // Copies the current entry's data to `out_fd` (sparse regions become holes); returns bytes.
    uint64_t copy_data_to(int out_fd, const std::string& shown);
    // Consumes the rest of the stream (padding after the end-of-archive blocks), returns the
    // sha256 of every uncompressed byte. Call after next() returned nullptr.
    Digest finish();
    uint64_t uncompressed_size() const { return size_; }
    const std::string& what() const { return what_; }

private:
    void open();
    static la_ssize_t inner_read(archive*, void* self, const void** buf);
    [[noreturn]] void fail(archive* a, const std::string& doing);

    int fd_;
    std::string what_;
    archive* outer_ = nullptr;  // decompression only ("raw" format)
    archive* inner_ = nullptr;  // tar parsing over the outer's output
    Hasher hasher_;
    uint64_t size_ = 0;
    bool outer_eof_ = false;
    bool hash_ = true;
    char buf_[64 * 1024];
};

// Streams the decompressed bytes of `fd` (plain, gzip, zstd, xz, bzip2) to `sink`.
void decompress_stream(int fd, const std::string& what,
                       const std::function<void(const void* data, size_t size)>& sink);

}  // namespace berth::image
