// Layer diff: overlay-form upper dirs back into OCI layer tars, deterministically.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/layer_apply.hpp"
#include "image/layer_diff.hpp"
#include "image/tar_stream.hpp"

namespace berth::image {
namespace {

class LayerDiffTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-diff-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { remove_all(dir_); }

    // An upper dir as overlayfs leaves it after a container ran.
    void make_upper(const std::string& upper, time_t mtime) {
        mkdir_all(upper + "/etc");
        write_file_atomic(upper + "/etc/hostname", "box\n");
        write_file_atomic(upper + "/etc/a", "same inode");
        ASSERT_EQ(::link((upper + "/etc/a").c_str(), (upper + "/etc/b").c_str()), 0);
        ASSERT_EQ(::symlink("hostname", (upper + "/etc/link").c_str()), 0);
        ASSERT_EQ(::mknod((upper + "/deleted").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
        mkdir_all(upper + "/var/cache");
        ASSERT_EQ(::setxattr((upper + "/var/cache").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
        write_file_atomic(upper + "/var/cache/new", "n");
        ASSERT_EQ(::setxattr((upper + "/etc/hostname").c_str(), "user.k", "v", 1, 0), 0);
        for (const char* p : {"/etc/hostname", "/etc/a", "/var/cache/new", "/var/cache", "/var", "/etc", "/deleted"}) {
            timespec ts[2] = {{mtime, 123}, {mtime, 456}};
            ASSERT_EQ(::utimensat(AT_FDCWD, (upper + p).c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << p;
        }
    }

    DiffResult diff(const std::string& upper, const DiffOptions& o = {}, UniqueFd* keep = nullptr) {
        UniqueFd fd(::memfd_create("diff", MFD_CLOEXEC));
        DiffResult r = write_layer_diff(upper, fd.get(), o);
        ::lseek(fd.get(), 0, SEEK_SET);
        if (keep) *keep = std::move(fd);
        return r;
    }

    std::vector<std::string> names(int fd) {
        TarReader tar(fd, "test");
        std::vector<std::string> out;
        while (archive_entry* e = tar.next()) out.emplace_back(archive_entry_pathname(e));
        tar.finish();
        ::lseek(fd, 0, SEEK_SET);
        return out;
    }

    std::string dir_;
};

TEST_F(LayerDiffTest, WritesOciWhiteoutsInSortedOrder) {
    make_upper(dir_ + "/upper", 1700000000);
    UniqueFd tar;
    diff(dir_ + "/upper", {}, &tar);
    std::vector<std::string> want = {".wh.deleted", "etc/",    "etc/a",      "etc/b",
                                     "etc/hostname", "etc/link", "var/",       "var/cache/",
                                     "var/cache/.wh..wh..opq", "var/cache/new"};
    EXPECT_EQ(names(tar.get()), want);
}

TEST_F(LayerDiffTest, SameContentSameDigest) {
    make_upper(dir_ + "/upper", 1700000000);
    DiffResult a = diff(dir_ + "/upper");
    DiffResult b = diff(dir_ + "/upper");
    EXPECT_EQ(a.diff_id, b.diff_id);
    EXPECT_EQ(a.size, b.size);
}

TEST_F(LayerDiffTest, SourceDateEpochClampsTimes) {
    make_upper(dir_ + "/u1", 1700000000);
    make_upper(dir_ + "/u2", 1800000000);
    EXPECT_NE(diff(dir_ + "/u1").diff_id, diff(dir_ + "/u2").diff_id);
    DiffOptions o;
    o.source_date_epoch = 1600000000;
    EXPECT_EQ(diff(dir_ + "/u1", o).diff_id, diff(dir_ + "/u2", o).diff_id);
}

TEST_F(LayerDiffTest, RoundTripsThroughApply) {
    make_upper(dir_ + "/upper", 1700000000);
    UniqueFd tar;
    DiffResult first = diff(dir_ + "/upper", {}, &tar);
    ApplyOptions ao;
    ao.mode = WhiteoutMode::overlay;
    ApplyResult applied = apply_layer(tar.get(), dir_ + "/again", ao);
    EXPECT_EQ(applied.diff_id, first.diff_id);
    EXPECT_EQ(diff(dir_ + "/again").diff_id, first.diff_id);

    // Flatten onto a lower that has what the whiteouts delete.
    mkdir_all(dir_ + "/rootfs/var/cache");
    write_file_atomic(dir_ + "/rootfs/deleted", "old");
    write_file_atomic(dir_ + "/rootfs/var/cache/old", "old");
    ::lseek(tar.get(), 0, SEEK_SET);
    apply_layer(tar.get(), dir_ + "/rootfs");
    EXPECT_FALSE(path_exists(dir_ + "/rootfs/deleted"));
    EXPECT_FALSE(path_exists(dir_ + "/rootfs/var/cache/old"));
    EXPECT_EQ(read_file(dir_ + "/rootfs/var/cache/new"), "n");
    struct stat a {}, b {};
    ASSERT_EQ(::stat((dir_ + "/rootfs/etc/a").c_str(), &a), 0);
    ASSERT_EQ(::stat((dir_ + "/rootfs/etc/b").c_str(), &b), 0);
    EXPECT_EQ(a.st_ino, b.st_ino);
    char v[4] = {};
    EXPECT_EQ(::getxattr((dir_ + "/rootfs/etc/hostname").c_str(), "user.k", v, sizeof v), 1);
}

TEST_F(LayerDiffTest, WhiteoutForNameNoLowerHasIsDropped) {
    make_upper(dir_ + "/upper", 1700000000);
    mkdir_all(dir_ + "/lower/etc");
    DiffOptions o;
    o.lowers = {dir_ + "/lower"};
    UniqueFd tar;
    diff(dir_ + "/upper", o, &tar);
    for (const auto& n : names(tar.get())) EXPECT_NE(n, ".wh.deleted");
    write_file_atomic(dir_ + "/lower/deleted", "x");
    diff(dir_ + "/upper", o, &tar);
    EXPECT_EQ(names(tar.get()).front(), ".wh.deleted");
}

TEST_F(LayerDiffTest, EmptyMountStubsNoLowerHasAreLeftOut) {
    std::string upper = dir_ + "/upper";
    mkdir_all(upper + "/etc");
    mkdir_all(upper + "/proc");
    mkdir_all(upper + "/sys/x");                       // not empty: content
    write_file_atomic(upper + "/etc/resolv.conf", "");  // engine-made
    write_file_atomic(upper + "/etc/hosts", "1.2.3.4 a\n");  // not empty: content
    write_file_atomic(upper + "/etc/hostname", "");     // the lower has it: a change
    mkdir_all(dir_ + "/lower/etc");
    write_file_atomic(dir_ + "/lower/etc/hostname", "box\n");
    DiffOptions o;
    o.lowers = {dir_ + "/lower"};
    o.mount_stubs = {"etc/resolv.conf", "etc/hosts", "etc/hostname", "proc", "sys"};
    UniqueFd tar;
    diff(upper, o, &tar);
    EXPECT_EQ(names(tar.get()), (std::vector<std::string>{"etc/", "etc/hostname", "etc/hosts",
                                                          "sys/", "sys/x/"}));
    o.mount_stubs.clear();
    diff(upper, o, &tar);
    EXPECT_EQ(names(tar.get()).size(), 7u);
}

TEST_F(LayerDiffTest, ALowerDirCopiedUpOnlyForMountStubsIsLeftOut) {
    std::string upper = dir_ + "/upper";
    mkdir_all(upper + "/etc");
    write_file_atomic(upper + "/etc/resolv.conf", "");  // engine-made: the only reason etc/ is here
    mkdir_all(dir_ + "/lower/etc");
    ::chmod((upper + "/etc").c_str(), 0755);
    ::chmod((dir_ + "/lower/etc").c_str(), 0755);
    DiffOptions o;
    o.lowers = {dir_ + "/lower"};
    o.mount_stubs = {"etc/resolv.conf"};
    UniqueFd tar;
    diff(upper, o, &tar);
    EXPECT_TRUE(names(tar.get()).empty());
    ::chmod((upper + "/etc").c_str(), 0700);  // a chmod of the directory is content
    diff(upper, o, &tar);
    EXPECT_EQ(names(tar.get()), (std::vector<std::string>{"etc/"}));
}

}  // namespace
}  // namespace berth::image
