#include "image/image_service.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "image_fixture.hpp"

namespace berth::image {
namespace {

class ImageServiceTest : public ::testing::Test, public test::ImageFixture {
protected:
    std::map<std::string, std::vector<ContainerUse>> users;  // image id -> containers
    ImageService svc{content, store, ServiceOptions{[this](const Digest& id) { return users[id.str()]; }, {}, nullptr}};

    std::string error_of(const std::function<void()>& f, Errc code = Errc::conflict) {
        try {
            f();
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), code) << e.what();
            return e.what();
        }
        ADD_FAILURE() << "no error";
        return "";
    }
    static std::vector<std::string> untagged(const std::vector<DeleteItem>& items) {
        std::vector<std::string> out;
        for (const auto& i : items) {
            if (!i.untagged.empty()) out.push_back(i.untagged);
        }
        return out;
    }
    static std::vector<std::string> deleted(const std::vector<DeleteItem>& items) {
        std::vector<std::string> out;
        for (const auto& i : items) {
            if (!i.deleted.empty()) out.push_back(i.deleted);
        }
        return out;
    }
};

TEST_F(ImageServiceTest, ResolveByTagIdAndPrefix) {
    Digest id = make_image({{"a"}}, "busybox:latest");
    EXPECT_EQ(svc.resolve("busybox"), id);
    EXPECT_EQ(svc.resolve("docker.io/library/busybox:latest"), id);
    EXPECT_EQ(svc.resolve(id.str()), id);
    EXPECT_EQ(svc.resolve(id.hex()), id);
    EXPECT_EQ(svc.resolve(id.hex().substr(0, 12)), id);
    EXPECT_EQ(error_of([&] { svc.resolve("nothere"); }, Errc::not_found), "No such image: nothere");
    EXPECT_NE(error_of([&] { svc.resolve("Bad Name"); }, Errc::invalid_argument).find("invalid reference format"),
              std::string::npos);
}

TEST_F(ImageServiceTest, ListNewestFirstWithFilters) {
    Digest old_img = make_image({{"o"}, "2023-01-01T00:00:00Z", {{"tier", "db"}}}, "db:1");
    Digest mid = make_image({{"m"}, "2024-01-01T00:00:00Z", {{"tier", "web"}, {"x", ""}}}, "user/web:2");
    Digest dangling = make_image({{"d"}, "2025-01-01T00:00:00Z"});
    auto all = svc.list();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].id, dangling.str());
    EXPECT_EQ(all[2].id, old_img.str());
    EXPECT_EQ(all[1].repo_tags, std::vector<std::string>{"user/web:2"});
    EXPECT_EQ(all[2].created, 1672531200);
    EXPECT_EQ(all[2].size, 100);

    auto ids = [](const std::vector<ImageSummary>& v) {
        std::vector<std::string> out;
        for (const auto& s : v) out.push_back(s.id);
        return out;
    };
    EXPECT_EQ(ids(svc.list({{"dangling", {"true"}}})), std::vector<std::string>{dangling.str()});
    EXPECT_EQ(ids(svc.list({{"dangling", {"false"}}})), (std::vector<std::string>{mid.str(), old_img.str()}));
    EXPECT_EQ(ids(svc.list({{"reference", {"user/*"}}})), std::vector<std::string>{mid.str()});
    EXPECT_EQ(ids(svc.list({{"reference", {"db"}}})), std::vector<std::string>{old_img.str()});
    EXPECT_EQ(ids(svc.list({{"label", {"tier=db"}}})), std::vector<std::string>{old_img.str()});
    EXPECT_EQ(ids(svc.list({{"label", {"x"}}})), std::vector<std::string>{mid.str()});
    EXPECT_EQ(ids(svc.list({{"before", {"user/web:2"}}})), std::vector<std::string>{old_img.str()});
    EXPECT_EQ(ids(svc.list({{"since", {"user/web:2"}}})), std::vector<std::string>{dangling.str()});
    EXPECT_NE(error_of([&] { svc.list({{"colour", {"red"}}}); }, Errc::invalid_argument).find("invalid filter 'colour'"),
              std::string::npos);
    EXPECT_THROW(svc.list({{"dangling", {"maybe"}}}), Error);
    // Reference filter shows only the matching tags.
    svc.tag("db:1", "other:1");
    auto db_only = svc.list({{"reference", {"db:*"}}});
    ASSERT_EQ(db_only.size(), 1u);
    EXPECT_EQ(db_only[0].repo_tags, std::vector<std::string>{"db:1"});
    EXPECT_EQ(db_only[0].to_json()["Id"], old_img.str());
}

TEST_F(ImageServiceTest, IntermediateImagesHiddenUnlessAll) {
    Digest parent = make_image({{"p"}, "2024-01-01T00:00:00Z"});
    make_image({{"p", "c"}, "2024-01-02T00:00:00Z", {}, parent.str()}, "child:1");
    EXPECT_EQ(svc.list().size(), 1u);
    EXPECT_EQ(svc.list({}, true).size(), 2u);
}

TEST_F(ImageServiceTest, InspectShape) {
    Digest id = make_image({{"l0", "l1"}, "2024-05-06T07:08:09.5Z", {{"k", "v"}}}, "busybox:1.36");
    Json j = svc.inspect("busybox:1.36");
    for (const char* key : {"Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Config", "Architecture",
                            "Os", "Size", "RootFS", "Metadata", "GraphDriver", "DockerVersion", "Author"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_EQ(j["Id"], id.str());
    EXPECT_EQ(j["RepoTags"], Json::array({"busybox:1.36"}));
    EXPECT_EQ(j["Created"], "2024-05-06T07:08:09.5Z");
    EXPECT_EQ(j["Config"]["Cmd"], Json::array({"sh"}));
    EXPECT_EQ(j["Config"]["Labels"]["k"], "v");
    EXPECT_EQ(j["RootFS"]["Type"], "layers");
    EXPECT_EQ(j["RootFS"]["Layers"].size(), 2u);
    EXPECT_EQ(j["RootFS"]["Layers"][0], Digest::sha256_of("l0").str());
    EXPECT_EQ(j["Size"], 300);
    EXPECT_NE(j["Metadata"]["LastTagTime"], "0001-01-01T00:00:00Z");
}

TEST_F(ImageServiceTest, HistoryNewestFirstWithEmptyLayers) {
    test::ImageSpec spec;
    spec.layers = {"base", "app"};
    spec.history_created_by = {"ADD rootfs", "ENV A=b", "COPY app", "CMD [\"sh\"]"};
    spec.empty_layer = {false, true, false, true};
    Digest id = make_image(spec, "app:1");
    auto h = svc.history("app:1");
    ASSERT_EQ(h.size(), 4u);
    EXPECT_EQ(h[0].created_by, "CMD [\"sh\"]");
    EXPECT_EQ(h[0].id, id.str());
    EXPECT_EQ(h[0].tags, std::vector<std::string>{"app:1"});
    EXPECT_EQ(h[0].size, 0);
    EXPECT_EQ(h[1].created_by, "COPY app");
    EXPECT_EQ(h[1].size, 200);
    EXPECT_EQ(h[1].id, "<missing>");
    EXPECT_EQ(h[3].created_by, "ADD rootfs");
    EXPECT_EQ(h[3].size, 100);
}

TEST_F(ImageServiceTest, TagRules) {
    Digest id = make_image({{"a"}}, "src:1");
    svc.tag("src:1", "localhost:5000/dst");
    EXPECT_EQ(svc.resolve("localhost:5000/dst:latest"), id);
    EXPECT_NE(error_of([&] { svc.tag("src:1", "dst@sha256:" + id.hex()); }, Errc::invalid_argument).find("digest"),
              std::string::npos);
    EXPECT_THROW(svc.tag("src:1", "Upper"), Error);
    EXPECT_THROW(svc.tag("missing", "x"), Error);
}

TEST_F(ImageServiceTest, RemoveByTagWithOtherTagsOnlyUntags) {
    Digest id = make_image({{"a"}}, "one:1");
    svc.tag("one:1", "two:1");
    auto items = svc.remove("one:1");
    EXPECT_EQ(untagged(items), std::vector<std::string>{"one:1"});
    EXPECT_TRUE(deleted(items).empty());
    EXPECT_EQ(svc.resolve("two:1"), id);
    EXPECT_EQ(items[0].to_json(), Json({{"Untagged", "one:1"}}));
}

TEST_F(ImageServiceTest, RemoveByRepositoryMeansLatest) {
    make_image({{"a"}}, "only:1");
    // "only" is "only:latest", which does not exist, as in Docker.
    EXPECT_EQ(error_of([&] { svc.remove("only"); }, Errc::not_found), "No such image: only");
}

TEST_F(ImageServiceTest, RemoveDeletesEverything) {
    Digest id = make_image({{"a", "b"}}, "only:1");
    auto chains = store.get_image(id)->layers;
    auto items = svc.remove("only:1");
    EXPECT_EQ(untagged(items), std::vector<std::string>{"only:1"});
    EXPECT_EQ(deleted(items), (std::vector<std::string>{id.str(), chains[1].str(), chains[0].str()}));
    EXPECT_FALSE(content.exists(id));  // GC ran
    EXPECT_TRUE(store.list_layers().empty());
    EXPECT_EQ(items.back().to_json(), Json({{"Deleted", chains[0].str()}}));
}

TEST_F(ImageServiceTest, RemoveByIdWithSeveralRepositoriesNeedsForce) {
    Digest id = make_image({{"a"}}, "one:1");
    svc.tag("one:1", "two:1");
    EXPECT_EQ(error_of([&] { svc.remove(id.hex().substr(0, 12)); }),
              "conflict: unable to delete " + id.hex().substr(0, 12) +
                  " (must be forced) - image is referenced in multiple repositories");
    auto items = svc.remove(id.str(), true);
    EXPECT_EQ(untagged(items), (std::vector<std::string>{"one:1", "two:1"}));
    EXPECT_EQ(deleted(items)[0], id.str());
}

TEST_F(ImageServiceTest, RemoveByIdWithOneTagUntagsAndDeletes) {
    Digest id = make_image({{"a"}}, "one:1");
    svc.tag("one:1", "one:2");  // same repository, but two tags: still needs force
    EXPECT_THROW(svc.remove(id.str()), Error);
    svc.remove("one:2");
    auto items = svc.remove(id.str());
    EXPECT_EQ(untagged(items), std::vector<std::string>{"one:1"});
    EXPECT_EQ(deleted(items)[0], id.str());
}

TEST_F(ImageServiceTest, RemoveRefusedWhileContainerUsesImage) {
    Digest id = make_image({{"a"}}, "used:1");
    users[id.str()] = {ContainerUse{"abcdef0123456789abcdef", false}};
    EXPECT_EQ(error_of([&] { svc.remove("used:1"); }),
              "conflict: unable to remove repository reference \"used:1\" (must force) - container abcdef012345 is "
              "using its referenced image " + id.hex().substr(0, 12));
    EXPECT_EQ(error_of([&] { svc.remove(id.str()); }),
              "conflict: unable to delete " + id.hex().substr(0, 12) +
                  " (must be forced) - image is being used by stopped container abcdef012345");
    // A running container refuses even a forced delete.
    users[id.str()][0].running = true;
    EXPECT_NE(error_of([&] { svc.remove(id.str(), true); }).find("(cannot be forced) - image is being used by running container abcdef012345"),
              std::string::npos);
    users[id.str()][0].running = false;
    auto items = svc.remove("used:1", true);
    EXPECT_EQ(deleted(items)[0], id.str());
}

TEST_F(ImageServiceTest, PruneDanglingThenAllUnused) {
    Digest tagged = make_image({{"t"}}, "keep:1");
    Digest dangling = make_image({{"d"}});
    Digest used = make_image({{"u"}}, "used:1");
    users[used.str()] = {ContainerUse{"c0ffee", false}};
    auto r = svc.prune();
    EXPECT_EQ(deleted(r.images_deleted)[0], dangling.str());
    EXPECT_EQ(r.space_reclaimed, 100u);
    EXPECT_TRUE(store.get_image(tagged));

    r = svc.prune(true);
    EXPECT_EQ(untagged(r.images_deleted), std::vector<std::string>{"keep:1"});
    EXPECT_FALSE(store.get_image(tagged));
    EXPECT_TRUE(store.get_image(used));  // a container uses it
    EXPECT_EQ(r.to_json()["SpaceReclaimed"], 100);
}

TEST_F(ImageServiceTest, PruneFilters) {
    make_image({{"a"}, "2020-01-01T00:00:00Z", {{"keep", "yes"}}});
    Digest b = make_image({{"b"}, "2020-01-01T00:00:00Z"});
    Digest c = make_image({{"c"}, "2030-01-01T00:00:00Z"});
    auto r = svc.prune(false, {{"label!", {"keep"}}, {"until", {"2025-01-01T00:00:00Z"}}});
    auto gone = deleted(r.images_deleted);
    ASSERT_EQ(gone.size(), 2u);  // the image and its only layer
    EXPECT_EQ(gone[0], b.str());
    EXPECT_EQ(store.list_images().size(), 2u);
    EXPECT_TRUE(store.get_image(c));
    EXPECT_THROW(svc.prune(false, {{"reference", {"x"}}}), Error);
}

}  // namespace
}  // namespace berth::image
