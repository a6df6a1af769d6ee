// Layer store and overlay snapshots (needs root for mounts; skipped otherwise).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/layer_diff.hpp"
#include "image/tar_writer.hpp"
#include "storage/layer_store.hpp"
#include "storage/overlay_mount.hpp"
#include "storage/snapshotter.hpp"

namespace berth::storage {
namespace {

using image::Digest;
using image::TarHeader;
using image::TarWriter;

class SnapshotTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "overlay mounts need root";
        char tmpl[] = "/tmp/berth-snap-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override {
        if (root_.empty()) return;
        for (const char* m : {"/containers/c1/rootfs", "/containers/c2/rootfs", "/legacy"}) {
            while (is_mount_point(root_ + m)) unmount(root_ + m);
        }
        remove_all(root_);
    }

    // Layer i: a file of its own, /shared overwritten, and optional whiteouts.
    UniqueFd layer(int i, Digest& diff_id) {
        UniqueFd fd(::memfd_create("layer", MFD_CLOEXEC));
        TarWriter w(fd.get(), i % 2 ? image::TarCompression::gzip : image::TarCompression::none);
        TarHeader h;
        h.mtime = 1700000000;
        h.name = "layer-" + std::to_string(i);
        w.add(h, std::to_string(i));
        h.name = "shared";
        w.add(h, std::to_string(i));
        if (i == 0) {
            TarHeader d = h;
            d.type = S_IFDIR;
            d.mode = 0755;
            d.name = "d";
            w.add(d);
            h.name = "d/from-0";
            w.add(h, "0");
        }
        if (i == 5) {
            h.name = ".wh.layer-2";
            w.add(h);
            h.name = "d/.wh..wh..opq";
            w.add(h);
            h.name = "d/from-5";
            w.add(h, "5");
        }
        w.finish();
        ::lseek(fd.get(), 0, SEEK_SET);
        // The diff id is of the uncompressed tar; for the gzip ones, hash a plain copy.
        UniqueFd plain(::memfd_create("plain", MFD_CLOEXEC));
        {
            TarWriter p(plain.get());
            TarHeader q;
            q.mtime = 1700000000;
            q.name = "layer-" + std::to_string(i);
            p.add(q, std::to_string(i));
            q.name = "shared";
            p.add(q, std::to_string(i));
            if (i == 0) {
                TarHeader d = q;
                d.type = S_IFDIR;
                d.mode = 0755;
                d.name = "d";
                p.add(d);
                q.name = "d/from-0";
                p.add(q, "0");
            }
            if (i == 5) {
                q.name = ".wh.layer-2";
                p.add(q);
                q.name = "d/.wh..wh..opq";
                p.add(q);
                q.name = "d/from-5";
                p.add(q, "5");
            }
            diff_id = p.finish();
        }
        return fd;
    }

    // Unpacks n layers, returns the top chain id.
    Digest unpack_chain(LayerStore& store, int n) {
        std::optional<Digest> parent;
        Digest chain;
        for (int i = 0; i < n; ++i) {
            Digest diff_id;
            UniqueFd fd = layer(i, diff_id);
            chain = parent ? Digest::sha256_of(parent->str() + " " + diff_id.str()) : diff_id;
            store.unpack(chain, diff_id, parent, fd.get());
            parent = chain;
        }
        return chain;
    }

    std::string root_;
};

TEST_F(SnapshotTest, LongChainMountsAndUnmounts) {
    LayerStore store(root_);
    Digest top = unpack_chain(store, 130);
    EXPECT_EQ(store.lower_dirs(top).size(), 130u);

    Snapshotter snaps(store, root_);
    Snapshot s = snaps.prepare("c1", top);
    snaps.mount(s);
    ASSERT_TRUE(is_mount_point(s.rootfs));
    EXPECT_EQ(read_file(s.rootfs + "/shared"), "129");
    EXPECT_EQ(read_file(s.rootfs + "/layer-0"), "0");
    EXPECT_EQ(read_file(s.rootfs + "/layer-129"), "129");
    EXPECT_FALSE(path_exists(s.rootfs + "/layer-2"));
    EXPECT_FALSE(path_exists(s.rootfs + "/d/from-0"));
    EXPECT_EQ(read_file(s.rootfs + "/d/from-5"), "5");

    // Changes land in upper/ in overlay form, and diff back into OCI whiteouts.
    write_file_atomic(s.rootfs + "/new", "hi");
    ASSERT_EQ(::unlink((s.rootfs + "/layer-7").c_str()), 0);
    struct stat st {};
    ASSERT_EQ(::lstat((s.upper + "/layer-7").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    UniqueFd out(::memfd_create("diff", MFD_CLOEXEC));
    image::DiffOptions o;
    o.lowers = s.lowers;
    image::write_layer_diff(s.upper, out.get(), o);
    EXPECT_GT(::lseek(out.get(), 0, SEEK_CUR), 0);

    EXPECT_TRUE(snaps.unmount(s));
    EXPECT_FALSE(is_mount_point(s.rootfs));
    EXPECT_FALSE(snaps.unmount(s));
    snaps.remove(s);
    EXPECT_FALSE(path_exists(s.dir));
}

TEST_F(SnapshotTest, ChainIsUnpackedOnceAndShared) {
    LayerStore store(root_);
    Digest base = unpack_chain(store, 1);
    Digest top = unpack_chain(store, 3);  // a second image on the same base
    struct stat before {};
    ASSERT_EQ(::stat(store.get(base).diff_dir.c_str(), &before), 0);
    // Asked again, the store answers from what is unpacked and never reads the stream.
    UniqueFd junk(::memfd_create("junk", MFD_CLOEXEC));
    ASSERT_EQ(::write(junk.get(), "not a tar", 9), 9);
    ::lseek(junk.get(), 0, SEEK_SET);
    LayerInfo again = store.unpack(base, base, std::nullopt, junk.get());
    EXPECT_EQ(::lseek(junk.get(), 0, SEEK_CUR), 0);
    struct stat after {};
    ASSERT_EQ(::stat(again.diff_dir.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino);
    EXPECT_EQ(store.list().size(), 3u);
    // Both images' snapshots stack the one base directory.
    auto lowers = store.lower_dirs(top);
    ASSERT_EQ(lowers.size(), 3u);
    EXPECT_EQ(lowers.back(), store.get(base).diff_dir);
}

TEST_F(SnapshotTest, LegacyMountWithShortNamesFitsAPage) {
    LayerStore store(root_);
    Digest top = unpack_chain(store, 130);
    mkdir_all(root_ + "/legacy");
    OverlayMount m{store.lower_dirs(top), "", "", root_ + "/legacy"};
    mount_overlay_legacy(m, store.layers_dir(), store.short_lower_dirs(top));
    EXPECT_EQ(read_file(root_ + "/legacy/shared"), "129");
    EXPECT_TRUE(unmount(root_ + "/legacy"));
}

TEST_F(SnapshotTest, BusyMountIsDetached) {
    LayerStore store(root_);
    Digest top = unpack_chain(store, 2);
    Snapshotter snaps(store, root_);
    Snapshot s = snaps.prepare("c2", top);
    snaps.mount(s);
    UniqueFd busy(::open((s.rootfs + "/shared").c_str(), O_RDONLY | O_CLOEXEC));
    snaps.remove(s);
    EXPECT_FALSE(path_exists(s.dir));
}

// The super options of the mount at `path`, from /proc/self/mountinfo.
std::string super_options(const std::string& path) {
    std::string info = read_file("/proc/self/mountinfo");
    size_t at = info.find(" " + path + " ");
    if (at == std::string::npos) return "";
    size_t end = info.find('\n', at);
    std::string line = info.substr(at, end - at);
    return line.substr(line.rfind(' ') + 1);
}

TEST_F(SnapshotTest, ThrowawaySnapshotIsVolatileAndCanBeMountedAgain) {
    LayerStore store(root_);
    Digest top = unpack_chain(store, 2);
    Snapshotter snaps(store, root_);
    Snapshot s = snaps.prepare("c3", top);
    snaps.mount(s, /*throwaway=*/true);
    EXPECT_NE(super_options(s.rootfs).find("volatile"), std::string::npos) << super_options(s.rootfs);
    write_file_atomic(s.rootfs + "/x", "x");
    EXPECT_TRUE(snaps.unmount(s));
    // overlayfs leaves work/work/incompat/volatile; a second throw-away mount clears it.
    EXPECT_TRUE(path_exists(s.work + "/work/incompat/volatile"));
    snaps.mount(s, true);
    EXPECT_EQ(read_file(s.rootfs + "/x"), "x");
    snaps.remove(s);
    EXPECT_FALSE(path_exists(s.dir));

    // An ordinary snapshot is not volatile.
    Snapshot t = snaps.prepare("c4", top);
    snaps.mount(t);
    EXPECT_EQ(super_options(t.rootfs).find("volatile"), std::string::npos);
    snaps.remove(t);
}

TEST_F(SnapshotTest, EmptyImageSnapshot) {
    LayerStore store(root_);
    Snapshotter snaps(store, root_);
    Snapshot s = snaps.prepare("c1", std::nullopt);
    snaps.mount(s);
    write_file_atomic(s.rootfs + "/x", "x");
    EXPECT_EQ(read_file(s.upper + "/x"), "x");
    snaps.remove(s);
    EXPECT_FALSE(path_exists(s.dir));
}

TEST_F(SnapshotTest, WrongDiffIdKeepsNothingAndRemoveWorks) {
    LayerStore store(root_);
    Digest diff_id;
    UniqueFd fd = layer(0, diff_id);
    Digest wrong = Digest::sha256_of("not it");
    EXPECT_THROW(store.unpack(wrong, wrong, std::nullopt, fd.get()), Error);
    EXPECT_TRUE(store.list().empty());
    ::lseek(fd.get(), 0, SEEK_SET);
    store.unpack(diff_id, diff_id, std::nullopt, fd.get());
    EXPECT_EQ(store.list().size(), 1u);
    EXPECT_EQ(store.get(diff_id).size, 3u);  // three one-byte files
    auto remove = store.remover();
    remove(diff_id);
    EXPECT_FALSE(store.exists(diff_id));
    EXPECT_FALSE(path_exists(store.layers_dir() + "/l/" + diff_id.hex().substr(0, 16)));
    std::vector<std::string> left;
    for (auto& e : std::filesystem::directory_iterator(store.layers_dir())) left.push_back(e.path().filename());
    EXPECT_EQ(left, std::vector<std::string>{"l"});
}

}  // namespace
}  // namespace berth::storage
