#include "image/image_store.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "image_fixture.hpp"

namespace berth::image {
namespace {

class ImageStoreTest : public ::testing::Test, public test::ImageFixture {};

int64_t refcount(ImageStore& s, const Digest& chain) { return s.get_layer(chain)->refcount; }

TEST_F(ImageStoreTest, SharedLayersAreCountedOncePerImage) {
    Digest a = make_image({{"base", "a1"}}, "a:1");
    Digest b = make_image({{"base", "b1", "b2"}}, "b:1");
    auto chains_b = store.get_image(b)->layers;
    ASSERT_EQ(chains_b.size(), 3u);
    EXPECT_EQ(refcount(store, chains_b[0]), 2);  // base shared
    EXPECT_EQ(refcount(store, chains_b[2]), 1);
    EXPECT_FALSE(store.add_image(*store.get_image(a), {}));  // known image: no second reference
    EXPECT_EQ(refcount(store, chains_b[0]), 2);

    auto freed = store.delete_image(b);
    EXPECT_EQ(freed.size(), 2u);  // b1, b2; base still used by a
    EXPECT_EQ(refcount(store, chains_b[0]), 1);
    EXPECT_FALSE(store.get_image(b));
    EXPECT_FALSE(store.resolve_tag(Reference::parse("b:1").str()));
}

TEST_F(ImageStoreTest, TagsMoveAndRecordLastTagTime) {
    Digest a = make_image({{"x"}});
    Digest b = make_image({{"y"}});
    std::string name = Reference::parse("app").str();
    EXPECT_FALSE(store.set_tag(name, a, false));
    EXPECT_FALSE(store.get_image(a)->last_tag_time.empty());
    EXPECT_EQ(store.set_tag(name, b, false), a);  // moved: returns the old image
    EXPECT_EQ(store.resolve_tag(name), b);
    EXPECT_TRUE(store.tags_of(a).empty());
    EXPECT_TRUE(store.remove_tag(name));
    EXPECT_FALSE(store.remove_tag(name));
    EXPECT_THROW(store.set_tag(name, Digest::sha256_of("nope"), false), Error);
}

TEST_F(ImageStoreTest, FailedAddLeavesNothing) {
    ImageRecord rec;
    rec.id = content.put("{}");
    LayerRecord ok{Digest::sha256_of("l0"), Digest::sha256_of("l0"), std::nullopt, 1, 0};
    rec.layers = {ok.chain_id, Digest::sha256_of("unrecorded")};
    EXPECT_THROW(store.add_image(rec, {ok}), Error);
    // The transaction rolled back: neither the image nor the first layer stayed.
    EXPECT_FALSE(store.get_image(rec.id));
    EXPECT_FALSE(store.get_layer(ok.chain_id));
}

TEST_F(ImageStoreTest, RetainAndReleaseWholeChain) {
    Digest a = make_image({{"l0", "l1"}});
    auto chains = store.get_image(a)->layers;
    store.retain_layer(chains[1]);  // a container on top
    EXPECT_EQ(refcount(store, chains[0]), 2);
    EXPECT_TRUE(store.delete_image(a).empty());  // container still holds both
    auto freed = store.release_layer(chains[1]);
    EXPECT_EQ(freed.size(), 2u);
    EXPECT_THROW(store.release_layer(chains[1]), Error);
    auto unref = store.unreferenced_layers();
    ASSERT_EQ(unref.size(), 2u);
    EXPECT_EQ(unref[0], chains[1]);  // child first
    EXPECT_THROW(store.delete_layer(chains[0]), Error);  // still a parent
    store.delete_layer(chains[1]);
    store.delete_layer(chains[0]);
    EXPECT_TRUE(store.list_layers().empty());
}

TEST_F(ImageStoreTest, PrefixLookupAndReferencedBlobs) {
    Digest a = make_image({{"p"}});
    EXPECT_EQ(store.find_images_by_prefix(a.hex().substr(0, 6)), std::vector<Digest>{a});
    EXPECT_TRUE(store.find_images_by_prefix("zz").empty());
    auto blobs = store.referenced_blobs();
    EXPECT_EQ(blobs.size(), 2u);  // config and layer blob
}

TEST_F(ImageStoreTest, SurvivesReopen) {
    Digest a = make_image({{"p"}}, "keep:1");
    state::Database db2(tmp.path() + "/berth.db");
    ImageStore again(db2);
    EXPECT_EQ(again.resolve_tag(Reference::parse("keep:1").str()), a);
}

}  // namespace
}  // namespace berth::image
