#pragma once
// The libarchive functions the image module uses, looked up at run time. Linking libarchive
// loaded it and its nine libraries (libxml2 and ICU among them: ~1.5 MiB resident, and their
// relocations at every berthd start) into every process, while berthd needs tar only for
// import, load, save, export, docker cp and commit. The types come from libarchive's own
// headers, so a signature mismatch does not compile; calling a libarchive function directly
// instead of through libarchive() does not link.
#include <archive.h>
#include <archive_entry.h>

namespace berth::image {

#define BERTH_LIBARCHIVE_FUNCTIONS(F) \
    F(archive_entry_atime) \
    F(archive_entry_atime_is_set) \
    F(archive_entry_atime_nsec) \
    F(archive_entry_filetype) \
    F(archive_entry_free) \
    F(archive_entry_gid) \
    F(archive_entry_hardlink) \
    F(archive_entry_mtime) \
    F(archive_entry_mtime_nsec) \
    F(archive_entry_new) \
    F(archive_entry_pathname) \
    F(archive_entry_perm) \
    F(archive_entry_rdev) \
    F(archive_entry_set_filetype) \
    F(archive_entry_set_gid) \
    F(archive_entry_set_hardlink) \
    F(archive_entry_set_mtime) \
    F(archive_entry_set_pathname) \
    F(archive_entry_set_perm) \
    F(archive_entry_set_rdev) \
    F(archive_entry_set_size) \
    F(archive_entry_set_symlink) \
    F(archive_entry_set_uid) \
    F(archive_entry_size) \
    F(archive_entry_symlink) \
    F(archive_entry_uid) \
    F(archive_entry_xattr_add_entry) \
    F(archive_entry_xattr_next) \
    F(archive_entry_xattr_reset) \
    F(archive_error_string) \
    F(archive_read_data) \
    F(archive_read_data_block) \
    F(archive_read_free) \
    F(archive_read_new) \
    F(archive_read_next_header) \
    F(archive_read_open) \
    F(archive_read_open_fd) \
    F(archive_read_support_filter_all) \
    F(archive_read_support_format_raw) \
    F(archive_read_support_format_tar) \
    F(archive_set_error) \
    F(archive_write_add_filter_gzip) \
    F(archive_write_add_filter_zstd) \
    F(archive_write_close) \
    F(archive_write_data) \
    F(archive_write_free) \
    F(archive_write_header) \
    F(archive_write_new) \
    F(archive_write_open) \
    F(archive_write_set_bytes_per_block) \
    F(archive_write_set_filter_option) \
    F(archive_write_set_format_option) \
    F(archive_write_set_format_pax_restricted)

struct LibArchive {
#define BERTH_LIBARCHIVE_MEMBER(name) decltype(&::name) name = nullptr;
    BERTH_LIBARCHIVE_FUNCTIONS(BERTH_LIBARCHIVE_MEMBER)
#undef BERTH_LIBARCHIVE_MEMBER
};

// Loads libarchive.so.13 once; throws unavailable saying what is missing.
const LibArchive& libarchive();

}  // namespace berth::image
