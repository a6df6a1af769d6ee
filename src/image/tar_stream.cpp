#include "image/tar_stream.hpp"
#include "image/libarchive_api.hpp"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "common/error.hpp"

namespace berth::image {

namespace {
constexpr size_t kOuterBlock = 128 * 1024;
}

TarReader::TarReader(int fd, std::string what, bool hash) : fd_(fd), what_(std::move(what)), hash_(hash) {
    outer_ = libarchive().archive_read_new();
    inner_ = libarchive().archive_read_new();
    try {
        open();
    } catch (...) {
        // The destructor does not run for a constructor that throws.
        if (inner_) libarchive().archive_read_free(inner_);
        if (outer_) libarchive().archive_read_free(outer_);
        throw;
    }
}

void TarReader::open() {
    if (!outer_ || !inner_) throw Error(Errc::internal, "libarchive: out of memory");
    libarchive().archive_read_support_filter_all(outer_);
    libarchive().archive_read_support_format_raw(outer_);
    if (libarchive().archive_read_open_fd(outer_, fd_, kOuterBlock) != ARCHIVE_OK) fail(outer_, "open");
    archive_entry* raw = nullptr;
    int r = libarchive().archive_read_next_header(outer_, &raw);
    if (r == ARCHIVE_EOF) {
        outer_eof_ = true;  // empty input: an empty layer, inner sees EOF at once
    } else if (r != ARCHIVE_OK) {
        fail(outer_, "read");
    }
    libarchive().archive_read_support_format_tar(inner_);
    if (libarchive().archive_read_open(inner_, this, nullptr, &TarReader::inner_read, nullptr) != ARCHIVE_OK) {
        fail(inner_, "open");
    }
}

TarReader::~TarReader() {
    if (inner_) libarchive().archive_read_free(inner_);
    if (outer_) libarchive().archive_read_free(outer_);
}

void TarReader::fail(archive* a, const std::string& doing) {
    const char* msg = libarchive().archive_error_string(a);
    throw Error(Errc::invalid_argument,
                what_ + ": " + doing + ": " + (msg ? msg : "malformed archive"));
}

la_ssize_t TarReader::inner_read(archive* a, void* self_ptr, const void** buf) {
    auto* self = static_cast<TarReader*>(self_ptr);
    if (self->outer_eof_) return 0;
    la_ssize_t n = libarchive().archive_read_data(self->outer_, self->buf_, sizeof self->buf_);
    if (n < 0) {
        libarchive().archive_set_error(a, EIO, "%s", libarchive().archive_error_string(self->outer_));
        return -1;
    }
    if (n == 0) self->outer_eof_ = true;
    if (self->hash_) self->hasher_.update(self->buf_, static_cast<size_t>(n));
    self->size_ += static_cast<uint64_t>(n);
    *buf = self->buf_;
    return n;
}

archive_entry* TarReader::next() {
    archive_entry* entry = nullptr;
    int r = libarchive().archive_read_next_header(inner_, &entry);
    if (r == ARCHIVE_EOF) return nullptr;
    if (r == ARCHIVE_WARN) return entry;  // e.g. unknown pax keys: the entry itself is usable
    if (r != ARCHIVE_OK) fail(inner_, "read header");
    return entry;
}

size_t TarReader::read(void* buf, size_t size) {
    la_ssize_t n = libarchive().archive_read_data(inner_, buf, size);
    if (n < 0) fail(inner_, "read data");
    return static_cast<size_t>(n);
}

uint64_t TarReader::copy_data_to(int out_fd, const std::string& shown) {
    const void* block = nullptr;
    size_t len = 0;
    la_int64_t offset = 0;
    uint64_t end = 0;
    for (;;) {
        int r = libarchive().archive_read_data_block(inner_, &block, &len, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) fail(inner_, "read data of \"" + shown + "\"");
        const char* p = static_cast<const char*>(block);
        size_t left = len;
        off_t at = offset;
        while (left > 0) {
            ssize_t w = ::pwrite(out_fd, p, left, at);
            if (w < 0) {
                if (errno == EINTR) continue;
                throw_errno("write " + shown);
            }
            p += w;
            left -= static_cast<size_t>(w);
            at += w;
        }
        end = static_cast<uint64_t>(offset) + len;
    }
    return end;
}

Digest TarReader::finish() {
    // The tar reader stops at the end-of-archive marker; the diff id covers every byte.
    while (!outer_eof_) {
        la_ssize_t n = libarchive().archive_read_data(outer_, buf_, sizeof buf_);
        if (n < 0) fail(outer_, "read");
        if (n == 0) break;
        if (hash_) hasher_.update(buf_, static_cast<size_t>(n));
        size_ += static_cast<uint64_t>(n);
    }
    outer_eof_ = true;
    return hasher_.finish();
}

void decompress_stream(int fd, const std::string& what,
                       const std::function<void(const void* data, size_t size)>& sink) {
    std::unique_ptr<archive, decltype(&archive_read_free)> a(libarchive().archive_read_new(), libarchive().archive_read_free);
    if (!a) throw Error(Errc::internal, "libarchive: out of memory");
    libarchive().archive_read_support_filter_all(a.get());
    libarchive().archive_read_support_format_raw(a.get());
    auto fail = [&](const char* doing) {
        const char* msg = libarchive().archive_error_string(a.get());
        throw Error(Errc::invalid_argument, what + ": " + doing + ": " + (msg ? msg : "malformed input"));
    };
    if (libarchive().archive_read_open_fd(a.get(), fd, kOuterBlock) != ARCHIVE_OK) fail("open");
    archive_entry* entry = nullptr;
    int r = libarchive().archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) return;
    if (r != ARCHIVE_OK) fail("read");
    std::vector<char> buf(1 << 20);
    for (;;) {
        la_ssize_t n = libarchive().archive_read_data(a.get(), buf.data(), buf.size());
        if (n < 0) fail("read");
        if (n == 0) break;
        sink(buf.data(), static_cast<size_t>(n));
    }
}

}  // namespace berth::image
