// Layer apply: entry types, metadata, whiteouts in both modes, and every escape.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/layer_apply.hpp"
#include "image/tar_writer.hpp"

namespace berth::image {
namespace {

namespace fs = std::filesystem;

TarHeader file(std::string name, mode_t mode = 0644) {
    TarHeader h;
    h.name = std::move(name);
    h.mode = mode;
    h.mtime = 1700000000;
    return h;
}
TarHeader dir(std::string name, mode_t mode = 0755) {
    TarHeader h = file(std::move(name), mode);
    h.type = S_IFDIR;
    return h;
}
TarHeader symlink(std::string name, std::string target) {
    TarHeader h = file(std::move(name), 0777);
    h.type = S_IFLNK;
    h.symlink = std::move(target);
    return h;
}
TarHeader hardlink(std::string name, std::string target) {
    TarHeader h = file(std::move(name));
    h.hardlink = std::move(target);
    return h;
}

// Everything apply could change about a tree, one line per path (ctimes aside).
std::map<std::string, std::string> snapshot(const std::string& root) {
    std::map<std::string, std::string> out;
    auto describe = [](const std::string& p) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) < 0) return std::string("missing");
        std::string d = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" +
                        std::to_string(st.st_gid) + " ino=" + std::to_string(st.st_ino) +
                        " nlink=" + std::to_string(st.st_nlink) +
                        " mtime=" + std::to_string(st.st_mtim.tv_sec) + "." +
                        std::to_string(st.st_mtim.tv_nsec);
        if (S_ISREG(st.st_mode)) d += " data=" + read_file(p);
        if (S_ISLNK(st.st_mode)) d += " -> " + fs::read_symlink(p).string();
        char names[1024];
        ssize_t n = ::llistxattr(p.c_str(), names, sizeof names);
        for (ssize_t i = 0; i < n; i += static_cast<ssize_t>(std::strlen(names + i)) + 1) {
            char v[256];
            ssize_t vn = ::lgetxattr(p.c_str(), names + i, v, sizeof v);
            d += std::string(" ") + (names + i) + "=" +
                 std::string(v, vn > 0 ? static_cast<size_t>(vn) : 0);
        }
        return d;
    };
    out["."] = describe(root);
    for (auto& e : fs::recursive_directory_iterator(root)) {
        out[e.path().lexically_relative(root).string()] = describe(e.path().string());
    }
    return out;
}

class LayerApplyTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-apply-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        sandbox_ = tmpl;
        mkdir_all(sandbox_ + "/outside");
        write_file_atomic(sandbox_ + "/outside/secret", "keep");
        target_ = sandbox_ + "/target";
    }
    void TearDown() override { remove_all(sandbox_); }

    // A memfd holding the tar, rewound, ready to apply.
    template <typename Fn>
    UniqueFd make_tar(Fn&& fill, TarCompression c = TarCompression::none) {
        UniqueFd fd(::memfd_create("layer", MFD_CLOEXEC));
        TarWriter w(fd.get(), c);
        fill(w);
        last_digest_ = w.finish();
        ::lseek(fd.get(), 0, SEEK_SET);
        return fd;
    }

    ApplyResult apply(int fd, WhiteoutMode mode = WhiteoutMode::flatten) {
        ApplyOptions o;
        o.mode = mode;
        return apply_layer(fd, target_, o);
    }

    // Applies and expects refusal naming `entry`; nothing of the layer may remain.
    void expect_refused(int fd, const std::string& entry) {
        try {
            apply(fd);
            FAIL() << "layer with \"" << entry << "\" was applied";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Errc::invalid_argument);
            EXPECT_NE(std::string(e.what()).find("layer entry \"" + entry + "\""),
                      std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find("escapes the layer root"), std::string::npos)
                << e.what();
        }
        EXPECT_FALSE(path_exists(target_));
        EXPECT_EQ(read_file(sandbox_ + "/outside/secret"), "keep");
        size_t entries = 0;
        for (auto& _ : fs::directory_iterator(sandbox_)) entries++, (void)_;
        EXPECT_EQ(entries, 1u) << "temp dir left behind in " << sandbox_;
        size_t outside = 0;
        for (auto& _ : fs::directory_iterator(sandbox_ + "/outside")) outside++, (void)_;
        EXPECT_EQ(outside, 1u) << "something was written outside the root";
    }

    std::string sandbox_, target_;
    Digest last_digest_;
};

TEST_F(LayerApplyTest, EntryTypesAndMetadata) {
    auto fd = make_tar([](TarWriter& w) {
        w.add(dir("bin", 0750));
        auto sh = file("bin/sh", 04755);
        sh.uid = 1234;
        sh.gid = 5678;
        sh.xattrs = {
            {"security.capability",
             std::string(
                 "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
                 20)},
            {"user.note", "hello"}};
        w.add(sh, "#!binary");
        w.add(hardlink("bin/ash", "bin/sh"));
        w.add(symlink("bin/ls", "sh"));
        TarHeader dev = file("null", 0666);
        dev.type = S_IFCHR;
        dev.rdev = makedev(1, 3);
        w.add(dev);
        TarHeader fifo = file("fifo", 0600);
        fifo.type = S_IFIFO;
        w.add(fifo);
    });
    ApplyResult r = apply(fd.get());
    EXPECT_EQ(r.diff_id, last_digest_);
    EXPECT_EQ(r.unpacked_size, 8u);

    struct stat st {};
    ASSERT_EQ(::lstat((target_ + "/bin/sh").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 04755u);
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 5678u);
    EXPECT_EQ(st.st_mtime, 1700000000);
    EXPECT_EQ(st.st_nlink, 2u);
    char cap[64];
    EXPECT_EQ(::lgetxattr((target_ + "/bin/sh").c_str(), "security.capability", cap, sizeof cap),
              20);
    char note[16] = {};
    EXPECT_EQ(::lgetxattr((target_ + "/bin/sh").c_str(), "user.note", note, sizeof note), 5);
    EXPECT_STREQ(note, "hello");
    struct stat ash {};
    ASSERT_EQ(::lstat((target_ + "/bin/ash").c_str(), &ash), 0);
    EXPECT_EQ(ash.st_ino, st.st_ino);
    EXPECT_EQ(fs::read_symlink(target_ + "/bin/ls"), "sh");
    ASSERT_EQ(::lstat((target_ + "/bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    EXPECT_EQ(st.st_mtime, 1700000000) << "directory times are set after their children";
    ASSERT_EQ(::lstat((target_ + "/null").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(1, 3));
    ASSERT_EQ(::lstat((target_ + "/fifo").c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(LayerApplyTest, CompressedLayersHaveTheUncompressedDiffId) {
    auto fill = [](TarWriter& w) {
        w.add(dir("etc"));
        w.add(file("etc/hostname"), "berth\n");
    };
    auto plain = make_tar(fill);
    Digest want = last_digest_;
    for (TarCompression c : {TarCompression::gzip, TarCompression::zstd}) {
        auto fd = make_tar(fill, c);
        EXPECT_NE(last_digest_, want);
        ApplyResult r = apply(fd.get());
        EXPECT_EQ(r.diff_id, want);
        EXPECT_EQ(read_file(target_ + "/etc/hostname"), "berth\n");
        remove_all(target_);
    }
}

TEST_F(LayerApplyTest, FlattenWhiteoutsDeleteLowerContent) {
    auto lower = make_tar([](TarWriter& w) {
        w.add(file("a"), "a");
        w.add(file("b"), "b");
        w.add(dir("d"));
        w.add(file("d/old1"), "1");
        w.add(dir("d/sub"));
        w.add(file("d/sub/old2"), "2");
    });
    apply(lower.get());
    auto upper = make_tar([](TarWriter& w) {
        w.add(file(".wh.a"));
        w.add(dir("d"));
        w.add(file("d/kept-before"), "x");  // same layer, before the marker: stays
        w.add(file("d/.wh..wh..opq"));
        w.add(file("d/new"), "n");
        w.add(file(".wh.missing"));  // nothing to delete: fine
    });
    apply(upper.get());
    EXPECT_FALSE(path_exists(target_ + "/a"));
    EXPECT_TRUE(path_exists(target_ + "/b"));
    EXPECT_FALSE(path_exists(target_ + "/d/old1"));
    EXPECT_FALSE(path_exists(target_ + "/d/sub"));
    EXPECT_EQ(read_file(target_ + "/d/kept-before"), "x");
    EXPECT_EQ(read_file(target_ + "/d/new"), "n");
    EXPECT_FALSE(path_exists(target_ + "/.wh.a"));
    EXPECT_FALSE(path_exists(target_ + "/d/.wh..wh..opq"));
}

TEST_F(LayerApplyTest, OverlayModeRecordsWhiteoutsForOverlayfs) {
    auto fd = make_tar([](TarWriter& w) {
        w.add(file(".wh.gone"));
        w.add(dir("d"));
        w.add(file("d/.wh..wh..opq"));
        w.add(file("d/new"), "n");
        w.add(file("e/.wh..wh..opq"));  // directory without its own entry: created
    });
    apply(fd.get(), WhiteoutMode::overlay);
    struct stat st {};
    ASSERT_EQ(::lstat((target_ + "/gone").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(0, 0));
    char v[4] = {};
    EXPECT_EQ(::lgetxattr((target_ + "/d").c_str(), "trusted.overlay.opaque", v, sizeof v), 1);
    EXPECT_EQ(v[0], 'y');
    EXPECT_EQ(::lgetxattr((target_ + "/e").c_str(), "trusted.overlay.opaque", v, sizeof v), 1);
    EXPECT_EQ(read_file(target_ + "/d/new"), "n");
    EXPECT_FALSE(path_exists(target_ + "/.wh.gone"));
}

TEST_F(LayerApplyTest, LayerCannotForgeOverlayXattrs) {
    auto fd = make_tar([](TarWriter& w) {
        auto d = dir("d");
        d.xattrs = {{"trusted.overlay.redirect", "/etc"}, {"trusted.overlay.opaque", "y"}};
        w.add(d);
    });
    apply(fd.get(), WhiteoutMode::overlay);
    char v[16];
    EXPECT_LT(::lgetxattr((target_ + "/d").c_str(), "trusted.overlay.redirect", v, sizeof v), 0);
    EXPECT_LT(::lgetxattr((target_ + "/d").c_str(), "trusted.overlay.opaque", v, sizeof v), 0);
}

TEST_F(LayerApplyTest, ReplacesInsteadOfWritingThrough) {
    mkdir_all(target_);
    ASSERT_EQ(::symlink((sandbox_ + "/outside/secret").c_str(), (target_ + "/link").c_str()), 0);
    mkdir_all(target_ + "/was-dir/child");
    write_file_atomic(target_ + "/was-file", "f");
    auto fd = make_tar([](TarWriter& w) {
        w.add(file("link"), "new");
        w.add(file("was-dir"), "now a file");
        w.add(dir("was-file"));
    });
    apply(fd.get());
    EXPECT_EQ(read_file(sandbox_ + "/outside/secret"), "keep");
    EXPECT_EQ(read_file(target_ + "/link"), "new");
    EXPECT_EQ(read_file(target_ + "/was-dir"), "now a file");
    EXPECT_TRUE(fs::is_directory(target_ + "/was-file"));
}

TEST_F(LayerApplyTest, SymlinksInsideTheRootAreFollowedForParents) {
    auto fd = make_tar([](TarWriter& w) {
        w.add(dir("usr"));
        w.add(dir("usr/lib"));
        w.add(symlink("lib", "usr/lib"));
        w.add(file("lib/libc.so"), "elf");
    });
    apply(fd.get());
    EXPECT_EQ(read_file(target_ + "/usr/lib/libc.so"), "elf");
}

struct EscapeCase {
    const char* label;
    const char* entry;  // the entry the message must name
    void (*fill)(TarWriter&);
};

class LayerEscapeTest : public LayerApplyTest, public ::testing::WithParamInterface<EscapeCase> {};

TEST_P(LayerEscapeTest, IsRefusedAndLeavesNothing) {
    auto fd = make_tar([](TarWriter& w) {
        w.add(dir("etc"));
        w.add(file("etc/ok"), "fine");
        GetParam().fill(w);
    });
    expect_refused(fd.get(), GetParam().entry);
}

const EscapeCase kEscapes[] = {
    {"dotdot", "../outside/pwn", [](TarWriter& w) { w.add(file("../outside/pwn"), "x"); }},
    {"dotdot_inside", "etc/../../outside/pwn",
     [](TarWriter& w) { w.add(file("etc/../../outside/pwn"), "x"); }},
    {"absolute", "/tmp/pwn", [](TarWriter& w) { w.add(file("/tmp/pwn"), "x"); }},
    {"dotdot_dir", "../outside/d/", [](TarWriter& w) { w.add(dir("../outside/d")); }},
    {"absolute_symlink_parent", "evil/pwn",
     [](TarWriter& w) {
         w.add(symlink("evil", "/tmp"));
         w.add(file("evil/pwn"), "x");
     }},
    {"relative_symlink_parent", "evil/pwn",
     [](TarWriter& w) {
         w.add(symlink("evil", "../outside"));
         w.add(file("evil/pwn"), "x");
     }},
    {"nested_symlink_parent", "etc/deep/x/pwn",
     [](TarWriter& w) {
         w.add(symlink("etc/deep", "../.."));
         w.add(file("etc/deep/x/pwn"), "x");
     }},
    {"hardlink_dotdot", "h", [](TarWriter& w) { w.add(hardlink("h", "../outside/secret")); }},
    {"hardlink_absolute", "h", [](TarWriter& w) { w.add(hardlink("h", "/etc/passwd")); }},
    {"hardlink_through_symlink", "h",
     [](TarWriter& w) {
         w.add(symlink("evil", "../outside"));
         w.add(hardlink("h", "evil/secret"));
     }},
    {"whiteout_dotdot", ".wh...", [](TarWriter& w) { w.add(file(".wh...")); }},
    {"whiteout_outside", "../outside/.wh.secret",
     [](TarWriter& w) { w.add(file("../outside/.wh.secret")); }},
    {"whiteout_through_symlink", "evil/.wh.secret",
     [](TarWriter& w) {
         w.add(symlink("evil", "../outside"));
         w.add(file("evil/.wh.secret"));
     }},
    {"opaque_through_symlink", "evil/.wh..wh..opq",
     [](TarWriter& w) {
         w.add(symlink("evil", "../outside"));
         w.add(file("evil/.wh..wh..opq"));
     }},
};

INSTANTIATE_TEST_SUITE_P(Escapes, LayerEscapeTest, ::testing::ValuesIn(kEscapes),
                         [](const auto& info) { return std::string(info.param.label); });

TEST_F(LayerApplyTest, EscapeOntoExistingRootfsTouchesNothingOutside) {
    mkdir_all(target_ + "/etc");
    auto fd = make_tar([](TarWriter& w) {
        w.add(symlink("evil", "../outside"));
        w.add(file("evil/.wh.secret"));
    });
    EXPECT_THROW(apply(fd.get()), Error);
    EXPECT_EQ(read_file(sandbox_ + "/outside/secret"), "keep");
}

// An existing rootfs (flatten stacking) with something of every kind a layer can change.
void make_rootfs(const std::string& t) {
    mkdir_all(t + "/etc/conf.d");
    mkdir_all(t + "/usr/lib");
    mkdir_all(t + "/var/cache/apt");
    write_file_atomic(t + "/etc/passwd", "root:x:0:0\n");
    write_file_atomic(t + "/etc/conf.d/a", "a");
    write_file_atomic(t + "/usr/lib/libc.so", "elf");
    write_file_atomic(t + "/var/cache/apt/pkg", "deb");
    ASSERT_EQ(::symlink("usr/lib", (t + "/lib").c_str()), 0);
    ASSERT_EQ(::link((t + "/etc/passwd").c_str(), (t + "/etc/passwd-").c_str()), 0);
    ASSERT_EQ(::chmod((t + "/etc").c_str(), 0751), 0);
    ASSERT_EQ(::setxattr((t + "/etc").c_str(), "user.kept", "1", 1, 0), 0);
    for (const char* d :
         {"/etc/conf.d", "/etc", "/usr/lib", "/usr", "/var/cache/apt", "/var/cache", "/var", ""}) {
        timespec ts[2] = {{1600000000, 5}, {1600000000, 7}};
        ASSERT_EQ(::utimensat(AT_FDCWD, (t + d).c_str(), ts, AT_SYMLINK_NOFOLLOW), 0);
    }
}

// Every kind of change, then a refused entry: the rootfs must be exactly as before.
TEST_F(LayerApplyTest, RefusedLayerOntoExistingRootfsIsRolledBack) {
    make_rootfs(target_);
    auto before = snapshot(target_);
    auto fd = make_tar([](TarWriter& w) {
        auto etc = dir("etc", 0700);  // existing directory: mode, xattr and times change
        etc.xattrs = {{"user.added", "2"}};
        w.add(etc);
        w.add(file("etc/passwd"), "evil\n");    // replaced (its hard link stays the old inode)
        w.add(file("etc/conf.d/.wh.a"));        // whited out
        w.add(file("var/cache/.wh..wh..opq"));  // opaque: apt/ goes
        w.add(file("var/cache/new"), "n");
        w.add(file("new/deep/dir/file"), "x");             // implicit parents
        w.add(hardlink("etc/shadow", "usr/lib/libc.so"));  // a link to an existing inode
        w.add(file("lib/libm.so"), "m");                   // through the existing lib -> usr/lib
        w.add(symlink("l2", "var"));
        w.add(file("l2/through"), "t");  // through a symlink this layer made
        w.add(dir("usr"));               // existing dir replaced by a file below
        w.add(file("usr"), "now a file");
        w.add(file(".wh.var"));              // all of var, with what this layer put there
        w.add(file("../outside/pwn"), "x");  // refused
    });
    try {
        apply(fd.get());
        FAIL() << "applied";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("layer entry \"../outside/pwn\": path escapes"),
                  std::string::npos)
            << e.what();
        EXPECT_EQ(std::string(e.what()).find("rollback incomplete"), std::string::npos) << e.what();
    }
    auto after = snapshot(target_);
    EXPECT_EQ(after, before);
    for (const auto& [path, what] : after)
        EXPECT_EQ(path.find(".berth-apply-"), std::string::npos) << path;
    EXPECT_EQ(read_file(sandbox_ + "/outside/secret"), "keep");
}

TEST_F(LayerApplyTest, BrokenLayerOntoExistingRootfsIsRolledBack) {
    make_rootfs(target_);
    auto before = snapshot(target_);
    UniqueFd full = make_tar([](TarWriter& w) {
        w.add(file("etc/passwd"), "replaced\n");
        w.add(file(".wh.var"));
        w.add(file("big"), std::string(1 << 16, 'b'));
    });
    // Cut in the middle of the last file's data: a truncated download.
    UniqueFd cut(::memfd_create("cut", MFD_CLOEXEC));
    std::string bytes(static_cast<size_t>(::lseek(full.get(), 0, SEEK_END)), '\0');
    ASSERT_EQ(::pread(full.get(), bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
    ASSERT_EQ(::write(cut.get(), bytes.data(), 6000), 6000);
    ::lseek(cut.get(), 0, SEEK_SET);
    EXPECT_THROW(apply(cut.get()), Error);
    EXPECT_EQ(snapshot(target_), before);
}

TEST_F(LayerApplyTest, AcceptedLayerOntoExistingRootfsLeavesNoAsideDir) {
    make_rootfs(target_);
    struct stat root_before {};
    ASSERT_EQ(::stat(target_.c_str(), &root_before), 0);
    auto fd = make_tar([](TarWriter& w) {
        w.add(file("etc/conf.d/.wh.a"));
        w.add(file("etc/passwd"), "new\n");
        w.add(file("usr/lib/.wh..wh..opq"));
    });
    apply(fd.get());
    EXPECT_FALSE(path_exists(target_ + "/etc/conf.d/a"));
    EXPECT_EQ(read_file(target_ + "/etc/passwd"), "new\n");
    EXPECT_EQ(read_file(target_ + "/etc/passwd-"), "root:x:0:0\n");
    EXPECT_FALSE(path_exists(target_ + "/usr/lib/libc.so"));
    size_t n = 0;
    for (auto& e : fs::directory_iterator(target_)) {
        EXPECT_EQ(e.path().filename().string().find(".berth-apply-"), std::string::npos);
        ++n;
    }
    EXPECT_EQ(n, 4u);  // etc lib usr var
    struct stat root_after {};
    ASSERT_EQ(::stat(target_.c_str(), &root_after), 0);
    EXPECT_EQ(root_after.st_mtim.tv_sec, root_before.st_mtim.tv_sec)
        << "the root's entries did not change";
    EXPECT_EQ(root_after.st_mtim.tv_nsec, root_before.st_mtim.tv_nsec);
}

}  // namespace
}  // namespace berth::image
