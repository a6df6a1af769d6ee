#include "image/tar_writer.hpp"
#include "image/libarchive_api.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.hpp"

namespace berth::image {

TarWriter::TarWriter(int fd, TarCompression compression) : fd_(fd) {
    a_ = libarchive().archive_write_new();
    if (!a_) throw Error(Errc::internal, "libarchive: out of memory");
    // pax_restricted writes plain ustar headers and adds a PAX header only when a field
    // does not fit (long names, xattrs, large ids): the output depends on content only.
    libarchive().archive_write_set_format_pax_restricted(a_);
    // SCHILY.xattr.* only (what Docker, containerd and GNU tar write), not LIBARCHIVE.xattr too.
    libarchive().archive_write_set_format_option(a_, "pax", "xattrheader", "SCHILY");
    if (compression == TarCompression::gzip) {
        libarchive().archive_write_add_filter_gzip(a_);
        libarchive().archive_write_set_filter_option(a_, "gzip", "timestamp", nullptr);  // no mtime in header
    } else if (compression == TarCompression::zstd) {
        libarchive().archive_write_add_filter_zstd(a_);
    }
    libarchive().archive_write_set_bytes_per_block(a_, 0);  // stream as produced, no 10 KiB blocking
    if (libarchive().archive_write_open(a_, this, nullptr, &TarWriter::write_cb, nullptr) != ARCHIVE_OK) fail("open");
}

TarWriter::~TarWriter() {
    if (a_) libarchive().archive_write_free(a_);
}

void TarWriter::fail(const std::string& doing) {
    const char* msg = libarchive().archive_error_string(a_);
    throw Error(Errc::internal, "tar: " + doing + ": " + (msg ? msg : "unknown error"));
}

la_ssize_t TarWriter::write_cb(archive* a, void* self_ptr, const void* buf, size_t size) {
    auto* self = static_cast<TarWriter*>(self_ptr);
    const char* p = static_cast<const char*>(buf);
    size_t left = size;
    while (left > 0) {
        ssize_t n = ::write(self->fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            libarchive().archive_set_error(a, errno, "write: %s", strerror(errno));
            return -1;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    self->hasher_.update(buf, size);
    self->written_ += size;
    return static_cast<la_ssize_t>(size);
}

void TarWriter::write_header(const TarHeader& h) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(libarchive().archive_entry_new(), libarchive().archive_entry_free);
    libarchive().archive_entry_set_pathname(e.get(), h.name.c_str());
    libarchive().archive_entry_set_uid(e.get(), h.uid);
    libarchive().archive_entry_set_gid(e.get(), h.gid);
    libarchive().archive_entry_set_mtime(e.get(), h.mtime, 0);
    if (!h.hardlink.empty()) {
        libarchive().archive_entry_set_filetype(e.get(), AE_IFREG);
        libarchive().archive_entry_set_perm(e.get(), h.mode);
        libarchive().archive_entry_set_hardlink(e.get(), h.hardlink.c_str());
        libarchive().archive_entry_set_size(e.get(), 0);
    } else {
        libarchive().archive_entry_set_filetype(e.get(), h.type & 0170000);
        libarchive().archive_entry_set_perm(e.get(), h.mode & 07777);
        if ((h.type & 0170000) == AE_IFLNK) libarchive().archive_entry_set_symlink(e.get(), h.symlink.c_str());
        if ((h.type & 0170000) == AE_IFCHR || (h.type & 0170000) == AE_IFBLK) libarchive().archive_entry_set_rdev(e.get(), h.rdev);
        libarchive().archive_entry_set_size(e.get(), (h.type & 0170000) == AE_IFREG ? static_cast<la_int64_t>(h.size) : 0);
    }
    for (const auto& [key, value] : h.xattrs) {
        libarchive().archive_entry_xattr_add_entry(e.get(), key.c_str(), value.data(), value.size());
    }
    if (libarchive().archive_write_header(a_, e.get()) < ARCHIVE_WARN) fail("write header of \"" + h.name + "\"");
}

void TarWriter::write_data(const void* data, size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        la_ssize_t n = libarchive().archive_write_data(a_, p, size);
        if (n < 0) fail("write data");
        if (n == 0) break;
        p += n;
        size -= static_cast<size_t>(n);
    }
}

void TarWriter::add(const TarHeader& h, std::string_view data) {
    TarHeader copy = h;
    if ((h.type & 0170000) == AE_IFREG && h.hardlink.empty()) copy.size = data.size();
    write_header(copy);
    if (!data.empty()) write_data(data.data(), data.size());
}

void TarWriter::copy_from_fd(int fd, uint64_t size, const std::string& shown) {
    constexpr size_t kCopyBuf = 256 * 1024;
    if (!copy_buf_) copy_buf_ = std::make_unique_for_overwrite<char[]>(kCopyBuf);
    char* buf = copy_buf_.get();
    while (size > 0) {
        size_t want = size < kCopyBuf ? static_cast<size_t>(size) : kCopyBuf;
        ssize_t n = ::read(fd, buf, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + shown);
        }
        if (n == 0) throw Error(Errc::internal, shown + " shrank while being archived");
        write_data(buf, static_cast<size_t>(n));
        size -= static_cast<uint64_t>(n);
    }
}

Digest TarWriter::finish() {
    if (!finished_) {
        if (libarchive().archive_write_close(a_) != ARCHIVE_OK) fail("close");
        finished_ = true;
    }
    return hasher_.finish();
}

}  // namespace berth::image
