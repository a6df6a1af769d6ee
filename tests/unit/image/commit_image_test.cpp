// commit_image: an upper dir becomes a layer on top of a parent image, recorded with its
// tag and parent; an unchanged upper adds no layer; a failure leaves no blob or ingest.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <set>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/archive_import.hpp"
#include "image/commit_image.hpp"
#include "image/gc.hpp"
#include "image/tar_stream.hpp"
#include "image/tar_writer.hpp"
#include "image_fixture.hpp"

namespace berth::image {
namespace {

class CommitImageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "whiteouts (0/0 char devices) need root";
        // The parent: an imported one-layer image with /a and /d/x.
        std::string tar = f.tmp.path() + "/parent.tar";
        {
            UniqueFd fd(::open(tar.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
            TarWriter w(fd.get());
            TarHeader a;
            a.name = "a";
            w.add(a, "a\n");
            TarHeader d;
            d.name = "d/";
            d.type = S_IFDIR;
            d.mode = 0755;
            w.add(d);
            TarHeader x;
            x.name = "d/x";
            w.add(x, "x\n");
            w.finish();
        }
        UniqueFd in(::open(tar.c_str(), O_RDONLY | O_CLOEXEC));
        ImportOptions io;
        io.tag = "base:1";
        parent = import_rootfs(in.get(), targets(), io);
        // What the container sat on (the whiteout filter looks there) and what it changed.
        lower = f.tmp.path() + "/lower";
        upper = f.tmp.path() + "/upper";
        mkdir_all(lower + "/d");
        write_file_atomic(lower + "/a", "a\n");
        write_file_atomic(lower + "/d/x", "x\n");
        mkdir_all(upper);
    }

    ArchiveTargets targets() { return ArchiveTargets{f.content, f.store, &leases, {}}; }

    CommitImageOptions options() {
        CommitImageOptions o;
        o.upper = upper;
        o.lowers = {lower};
        o.parent = parent;
        o.child.container_id = "c1";
        o.child.container_config = {{"Cmd", {"sh", "-c", "work"}}};
        o.child.config = {{"Cmd", {"cat", "/new"}}};
        o.child.comment = "msg";
        return o;
    }

    std::set<std::string> blob_set() {
        std::set<std::string> out;
        for (const auto& b : f.content.list()) out.insert(b.digest.str());
        return out;
    }

    test::ImageFixture f;
    LeaseManager leases;
    Digest parent;
    std::string lower, upper;
};

TEST_F(CommitImageTest, UpperBecomesALayerWithWhiteoutsOnTopOfTheParent) {
    write_file_atomic(upper + "/new", "new\n");
    ASSERT_EQ(::mknod((upper + "/a").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
    mkdir_all(upper + "/d");
    ASSERT_EQ(::setxattr((upper + "/d").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
    write_file_atomic(upper + "/d/y", "y\n");
    CommitImageOptions o = options();
    o.tag = "me/out:2";
    Digest id = commit_image(targets(), o);

    ImageConfig c = parse_image_config(f.content.read_blob(id));
    ASSERT_EQ(c.diff_ids.size(), 2u);
    ASSERT_EQ(c.history.size(), 2u);
    EXPECT_EQ(c.history[1].created_by, "sh -c work");
    EXPECT_EQ(c.history[1].comment, "msg");
    EXPECT_FALSE(c.history[1].empty_layer);
    EXPECT_EQ(c.config.cmd, (std::vector<std::string>{"cat", "/new"}));
    EXPECT_EQ(c.raw["container"], "c1");

    auto rec = f.store.get_image(id);
    ASSERT_TRUE(rec);
    EXPECT_EQ(rec->parent, parent.str());
    EXPECT_EQ(rec->layers.size(), 2u);
    EXPECT_EQ(f.store.resolve_tag(Reference::parse("me/out:2").str()), id);

    // The layer blob is the uncompressed diff, whiteouts in OCI form.
    UniqueFd blob = f.content.open_blob(c.diff_ids[1]);
    TarReader r(blob.get(), "layer");
    std::vector<std::string> names;
    while (archive_entry* e = r.next()) names.push_back(archive_entry_pathname(e));
    EXPECT_EQ(r.finish(), c.diff_ids[1]);
    EXPECT_EQ(names, (std::vector<std::string>{".wh.a", "d/", "d/.wh..wh..opq", "d/y", "new"}));
    EXPECT_TRUE(f.content.list_ingests().empty());
    EXPECT_EQ(leases.active(), 0u);
}

TEST_F(CommitImageTest, UnchangedUpperAddsNoLayerButAHistoryEntry) {
    auto before = blob_set();
    Digest id = commit_image(targets(), options());
    ImageConfig c = parse_image_config(f.content.read_blob(id));
    EXPECT_EQ(c.diff_ids.size(), 1u);
    ASSERT_EQ(c.history.size(), 2u);
    EXPECT_TRUE(c.history[1].empty_layer);
    // Only the new config and manifest were written: no empty layer blob kept.
    auto after = blob_set();
    EXPECT_EQ(after.size(), before.size() + 2);
    EXPECT_EQ(after.count(empty_layer_diff_id().str()), 0u);
    EXPECT_TRUE(f.content.list_ingests().empty());
}

TEST_F(CommitImageTest, FailureLeavesNothingGcCannotReclaim) {
    auto before = blob_set();
    CommitImageOptions o = options();
    o.upper = f.tmp.path() + "/no-such-upper";
    EXPECT_THROW(commit_image(targets(), o), Error);
    EXPECT_EQ(blob_set(), before);
    EXPECT_TRUE(f.content.list_ingests().empty());
    EXPECT_EQ(leases.active(), 0u);
    EXPECT_EQ(f.store.list_images().size(), 1u);

    CommitImageOptions gone = options();
    gone.parent = Digest::sha256_of("no such image");
    try {
        commit_image(targets(), gone);
        FAIL() << "committed on a missing parent";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::not_found);
    }
    EXPECT_EQ(blob_set(), before);
}

}  // namespace
}  // namespace berth::image
