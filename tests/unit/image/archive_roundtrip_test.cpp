// Archives: import a rootfs, save it (docker and OCI formats), load it back elsewhere.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/archive_import.hpp"
#include "image/archive_load.hpp"
#include "image/archive_save.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/reference.hpp"
#include "image/tar_stream.hpp"
#include "image/tar_writer.hpp"
#include "state/database.hpp"

namespace berth::image {
namespace {

struct Stores {
    explicit Stores(const std::string& root)
        : db(root + "/berth.db"),
          content(root),
          images(db),
          targets{content, images, &leases, {}} {}
    state::Database db;
    ContentStore content;
    ImageStore images;
    LeaseManager leases;
    ArchiveTargets targets;
};

class ArchiveTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-archive-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        for (const char* d : {"/a", "/b", "/c"}) mkdir_all(dir_ + d);
    }
    void TearDown() override { remove_all(dir_); }

    UniqueFd rootfs_tar(TarCompression c = TarCompression::gzip) {
        UniqueFd fd(::memfd_create("rootfs", MFD_CLOEXEC));
        TarWriter w(fd.get(), c);
        TarHeader d;
        d.type = S_IFDIR;
        d.mode = 0755;
        d.name = "bin";
        w.add(d);
        TarHeader f;
        f.mode = 0755;
        f.name = "bin/hello";
        w.add(f, "#!/bin/sh\necho hello\n");
        w.finish();
        ::lseek(fd.get(), 0, SEEK_SET);
        return fd;
    }

    std::string dir_;
};

TEST(ImportChanges, DockerfileInstructions) {
    RunConfig c;
    apply_changes(c,
                  {"CMD [\"/bin/hello\", \"x\"]", "ENTRYPOINT /bin/sh", "ENV A=1 B=\"two words\"",
                   "ENV C 3", "ENV A=9", "WORKDIR /srv", "USER 1000:1000", "LABEL a=b \"c d\"=e",
                   "EXPOSE 80 53/udp", "VOLUME [\"/data\"]", "VOLUME /logs", "STOPSIGNAL SIGINT"});
    EXPECT_EQ(c.cmd, (std::vector<std::string>{"/bin/hello", "x"}));
    EXPECT_EQ(c.entrypoint, (std::vector<std::string>{"/bin/sh", "-c", "/bin/sh"}));
    EXPECT_EQ(c.env, (std::vector<std::string>{"A=9", "B=two words", "C=3"}));
    EXPECT_EQ(c.working_dir, "/srv");
    EXPECT_EQ(c.user, "1000:1000");
    EXPECT_EQ(c.labels.at("a"), "b");
    EXPECT_EQ(c.labels.at("c d"), "e");
    EXPECT_EQ(c.exposed_ports, (std::vector<std::string>{"80/tcp", "53/udp"}));
    EXPECT_EQ(c.volumes, (std::vector<std::string>{"/data", "/logs"}));
    EXPECT_EQ(c.stop_signal, "SIGINT");
    try {
        apply_changes(c, {"FROM scratch"});
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "\"FROM\" is not a valid change command");
    }
}

TEST_F(ArchiveTest, ImportSaveLoadRoundTrip) {
    Stores a(dir_ + "/a");
    UniqueFd rootfs = rootfs_tar();
    ImportOptions io;
    io.changes = {"CMD [\"/bin/hello\"]", "ENV PATH=/bin"};
    io.tag = "test/app:1";
    Digest id = import_rootfs(rootfs.get(), a.targets, io);
    EXPECT_EQ(a.images.resolve_tag("docker.io/test/app:1"), id);
    ImageConfig cfg = parse_image_config(a.content.read_blob(id));
    EXPECT_EQ(cfg.config.cmd, std::vector<std::string>{"/bin/hello"});
    ASSERT_EQ(cfg.diff_ids.size(), 1u);
    EXPECT_TRUE(a.content.exists(cfg.diff_ids[0]))
        << "the layer is stored uncompressed: blob digest = diff id";
    EXPECT_EQ(a.leases.active(), 0u);

    // docker save -> docker load
    UniqueFd archive(::memfd_create("save", MFD_CLOEXEC));
    save_archive(archive.get(), a.content, a.images, {"test/app:1"});
    ::lseek(archive.get(), 0, SEEK_SET);
    std::vector<std::string> names;
    {
        TarReader tar(archive.get(), "saved");
        while (archive_entry* e = tar.next()) names.emplace_back(archive_entry_pathname(e));
        tar.finish();
    }
    for (const char* want : {"index.json", "manifest.json", "oci-layout", "repositories"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
    }
    ::lseek(archive.get(), 0, SEEK_SET);
    Stores b(dir_ + "/b");
    std::vector<std::string> unpacked;
    b.targets.unpack = [&](const Digest& chain, const Digest& diff, const std::optional<Digest>&,
                           int) {
        unpacked.push_back(chain.str());
        return uint64_t{42};
    };
    LoadResult loaded = load_archive(archive.get(), b.targets);
    ASSERT_EQ(loaded.images.size(), 1u);
    EXPECT_EQ(loaded.images[0], id);
    EXPECT_EQ(loaded.tags, std::vector<std::string>{"test/app:1"});
    EXPECT_EQ(unpacked, std::vector<std::string>{cfg.diff_ids[0].str()});
    auto rec_a = a.images.get_image(id);
    auto rec_b = b.images.get_image(id);
    ASSERT_TRUE(rec_b);
    EXPECT_EQ(rec_b->manifest, rec_a->manifest) << "the original manifest is kept";
    EXPECT_EQ(rec_b->size, 42);

    // OCI layout dir -> load with a default name for the tag-only ref.name
    save_layout_dir(dir_ + "/layout", a.content, a.images, {"test/app:1"}, SaveFormat::oci);
    EXPECT_TRUE(path_exists(dir_ + "/layout/oci-layout"));
    EXPECT_FALSE(path_exists(dir_ + "/layout/manifest.json"));
    Stores c(dir_ + "/c");
    LoadOptions lo;
    lo.default_name = "other";
    LoadResult from_dir = load_oci_layout_dir(dir_ + "/layout", c.targets, lo);
    ASSERT_EQ(from_dir.images.size(), 1u);
    EXPECT_EQ(from_dir.images[0], id);
    EXPECT_EQ(c.images.resolve_tag("docker.io/test/app:1"), id) << "io.containerd.image.name wins";
}

// Layers of 1 MiB and more are made durable on a second thread while earlier layers unpack;
// each layer must be complete and committed when it is unpacked, and all of them before the
// image is recorded.
TEST_F(ArchiveTest, LargeLayersCommitOffThreadBeforeUseAndRecord) {
    Stores a(dir_ + "/a");
    std::vector<Digest> ids;
    std::string payload(3u << 20, '\0');
    for (size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<char>((i * 2654435761u) >> 13);
    UniqueFd rootfs(::memfd_create("big", MFD_CLOEXEC));
    {
        TarWriter w(rootfs.get(), TarCompression::none);
        TarHeader f;
        f.mode = 0644;
        f.name = "big";
        w.add(f, payload);
        w.finish();
    }
    ::lseek(rootfs.get(), 0, SEEK_SET);
    ImportOptions io;
    io.tag = "test/big:1";
    Digest id = import_rootfs(rootfs.get(), a.targets, io);
    UniqueFd archive(::memfd_create("save", MFD_CLOEXEC));
    save_archive(archive.get(), a.content, a.images, {"test/big:1"});
    ::lseek(archive.get(), 0, SEEK_SET);

    Stores b(dir_ + "/b");
    ImageConfig cfg = parse_image_config(a.content.read_blob(id));
    uint64_t seen = 0;
    b.targets.unpack = [&](const Digest&, const Digest& diff, const std::optional<Digest>&,
                           int fd) {
        EXPECT_TRUE(b.content.exists(diff)) << "unpacked before it was committed";
        char buf[65536];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) seen += static_cast<uint64_t>(n);
        return seen;
    };
    LoadResult loaded = load_archive(archive.get(), b.targets);
    ASSERT_EQ(loaded.images, std::vector<Digest>{id});
    EXPECT_GT(seen, payload.size());
    EXPECT_TRUE(b.content.exists(cfg.diff_ids[0]));
    EXPECT_TRUE(b.content.list_ingests().empty());
    EXPECT_EQ(b.leases.active(), 0u);
}

TEST_F(ArchiveTest, SaveByIdIsUntagged) {
    Stores a(dir_ + "/a");
    UniqueFd rootfs = rootfs_tar(TarCompression::none);
    Digest id = import_rootfs(rootfs.get(), a.targets);
    UniqueFd archive(::memfd_create("save", MFD_CLOEXEC));
    save_archive(archive.get(), a.content, a.images, {id.hex().substr(0, 12)});
    ::lseek(archive.get(), 0, SEEK_SET);
    Stores b(dir_ + "/b");
    LoadResult loaded = load_archive(archive.get(), b.targets);
    EXPECT_EQ(loaded.images, std::vector<Digest>{id});
    EXPECT_TRUE(loaded.tags.empty());
    EXPECT_THROW(save_archive(archive.get(), a.content, a.images, {"nope:1"}), Error);
}

TEST_F(ArchiveTest, NotAnArchive) {
    Stores a(dir_ + "/a");
    UniqueFd rootfs = rootfs_tar();
    EXPECT_THROW(load_archive(rootfs.get(), a.targets), Error);
}

}  // namespace
}  // namespace berth::image
