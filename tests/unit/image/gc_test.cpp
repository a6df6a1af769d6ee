#include "image/gc.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "image_fixture.hpp"

namespace berth::image {
namespace {

class GcTest : public ::testing::Test, public test::ImageFixture {
protected:
    LeaseManager leases;
    std::vector<Digest> removed_dirs;
    GcOptions opts() {
        GcOptions o;
        o.remove_layer_dir = [this](const Digest& d) { removed_dirs.push_back(d); };
        return o;
    }
};

TEST_F(GcTest, KeepsInUseRemovesUnreferenced) {
    Digest keep = make_image({{"base", "k"}}, "keep");
    Digest drop = make_image({{"base", "d"}}, "drop");
    Digest stray = content.put("stray blob");
    auto drop_layers = store.get_image(drop)->layers;
    store.delete_image(drop);

    GcResult r = collect_garbage(content, store, leases, opts());
    EXPECT_TRUE(r.errors.empty());
    EXPECT_TRUE(content.exists(keep));
    EXPECT_FALSE(content.exists(drop));
    EXPECT_FALSE(content.exists(stray));
    EXPECT_EQ(r.removed_layers, std::vector<Digest>{drop_layers[1]});
    EXPECT_EQ(removed_dirs, std::vector<Digest>{drop_layers[1]});
    EXPECT_TRUE(store.get_layer(drop_layers[0]));  // base shared with keep
    EXPECT_FALSE(store.get_layer(drop_layers[1]));
    auto keep_layers = store.get_image(keep)->layers;
    for (const auto& l : keep_layers) EXPECT_TRUE(store.get_layer(l));
    // Nothing left to do the second time.
    GcResult again = collect_garbage(content, store, leases, opts());
    EXPECT_TRUE(again.removed_blobs.empty());
    EXPECT_TRUE(again.removed_layers.empty());
}

TEST_F(GcTest, LeasedContentSurvivesUntilReleased) {
    Lease lease = leases.acquire("import");
    Digest blob = content.put("being imported", &lease);
    LayerRecord layer{Digest::sha256_of("x"), Digest::sha256_of("x"), std::nullopt, 1, 0};
    lease.add(layer.chain_id);
    store.put_layer(layer);

    GcResult r = collect_garbage(content, store, leases, opts());
    EXPECT_TRUE(r.removed_blobs.empty());
    EXPECT_TRUE(r.removed_layers.empty());
    EXPECT_TRUE(content.exists(blob));

    lease.release();
    r = collect_garbage(content, store, leases, opts());
    EXPECT_EQ(r.removed_blobs, std::vector<Digest>{blob});
    EXPECT_EQ(r.removed_layers, std::vector<Digest>{layer.chain_id});
    EXPECT_GT(r.reclaimed_bytes, 0u);
}

TEST_F(GcTest, DryRunRemovesNothing) {
    Digest stray = content.put("stray");
    GcOptions o = opts();
    o.dry_run = true;
    GcResult r = collect_garbage(content, store, leases, o);
    EXPECT_EQ(r.removed_blobs, std::vector<Digest>{stray});
    EXPECT_TRUE(content.exists(stray));
}

TEST_F(GcTest, FailingLayerRemovalKeepsRecord) {
    LayerRecord layer{Digest::sha256_of("y"), Digest::sha256_of("y"), std::nullopt, 1, 0};
    store.put_layer(layer);
    GcOptions o;
    o.remove_layer_dir = [](const Digest&) { throw std::runtime_error("busy"); };
    GcResult r = collect_garbage(content, store, leases, o);
    EXPECT_EQ(r.errors.size(), 1u);
    EXPECT_TRUE(store.get_layer(layer.chain_id));
}

TEST_F(GcTest, ConcurrentImportUnderLeaseIsNeverCollected) {
    // An importer writes blobs under a lease and records an image, while GC runs in a loop.
    std::atomic<bool> done{false};
    std::thread gc([&] {
        while (!done) collect_garbage(content, store, leases, opts());
    });
    std::vector<Digest> ids;
    for (int i = 0; i < 20; ++i) {
        Lease lease = leases.acquire("import");
        Digest cfg = content.put(Json({{"architecture", "amd64"}, {"os", "linux"}, {"n", i},
                                       {"rootfs", {{"type", "layers"}, {"diff_ids", Json::array()}}}})
                                     .dump(),
                                 &lease);
        ImageRecord rec;
        rec.id = cfg;
        store.add_image(rec, {});
        ids.push_back(cfg);
    }
    done = true;
    gc.join();
    for (const auto& id : ids) EXPECT_TRUE(content.exists(id)) << id.str();
}

}  // namespace
}  // namespace berth::image
