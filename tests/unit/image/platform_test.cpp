#include "image/platform.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "image/manifest.hpp"

namespace berth::image {
namespace {

Descriptor entry(const std::string& platform, char fill) {
    Descriptor d;
    d.media_type = "application/vnd.oci.image.manifest.v1+json";
    d.digest = Digest::parse("sha256:" + std::string(64, fill));
    d.size = 1;
    Platform p = Platform::parse(platform);
    // Keep the spelling an index would carry (parse normalises, indexes often say v8).
    if (platform.ends_with("/v8") && p.architecture == "arm64") p.variant = "v8";
    d.platform = p;
    return d;
}

TEST(Platform, ParseAndNormalise) {
    EXPECT_EQ(Platform::parse("linux/amd64").str(), "linux/amd64");
    EXPECT_EQ(Platform::parse("linux/x86_64").str(), "linux/amd64");
    EXPECT_EQ(Platform::parse("linux/aarch64").str(), "linux/arm64");
    EXPECT_EQ(Platform::parse("linux/arm64/v8").str(), "linux/arm64");
    EXPECT_EQ(Platform::parse("linux/arm").str(), "linux/arm/v7");
    EXPECT_EQ(Platform::parse("linux/armhf").str(), "linux/arm/v7");
    EXPECT_EQ(Platform::parse("arm64").str(), "linux/arm64");
    EXPECT_EQ(Platform::parse("Linux/AMD64").str(), "linux/amd64");
    EXPECT_EQ(Platform::parse("linux").os, "linux");
    EXPECT_THROW(Platform::parse("linux//v7"), Error);
    EXPECT_THROW(Platform::parse("a/b/c/d"), Error);
    EXPECT_FALSE(Platform::host().architecture.empty());
}

TEST(Platform, Matching) {
    auto m = [](const std::string& want, const std::string& have) {
        return platform_matches(Platform::parse(want), Platform::parse(have));
    };
    EXPECT_TRUE(m("linux/amd64", "linux/amd64"));
    EXPECT_TRUE(m("linux/amd64", "linux/amd64/v1"));
    EXPECT_FALSE(m("linux/amd64", "linux/amd64/v3"));  // baseline host cannot run v3 code
    EXPECT_TRUE(m("linux/amd64/v3", "linux/amd64/v2"));
    EXPECT_TRUE(m("linux/amd64", "linux/386"));
    EXPECT_TRUE(m("linux/arm64", "linux/arm64/v8"));  // v8 is arm64's default
    EXPECT_TRUE(m("linux/arm64/v8", "linux/arm64"));
    EXPECT_TRUE(m("linux/arm/v7", "linux/arm/v6"));
    EXPECT_FALSE(m("linux/arm/v6", "linux/arm/v7"));
    EXPECT_FALSE(m("linux/amd64", "windows/amd64"));
    EXPECT_FALSE(m("linux/amd64", "linux/arm64"));
    EXPECT_TRUE(platform_less(Platform::parse("linux/arm/v7"), Platform::parse("linux/arm/v7"),
                              Platform::parse("linux/arm/v6")));
}

TEST(Platform, SelectFromIndex) {
    std::vector<Descriptor> list = {entry("linux/386", '1'), entry("linux/amd64", '2'),
                                    entry("linux/arm/v6", '3'), entry("linux/arm/v7", '4'),
                                    entry("linux/arm64/v8", '5')};
    EXPECT_EQ(select_platform(list, Platform::parse("linux/amd64")).digest, list[1].digest);
    EXPECT_EQ(select_platform(list, Platform::parse("linux/arm/v7")).digest, list[3].digest);
    EXPECT_EQ(select_platform(list, Platform::parse("linux/arm/v6")).digest, list[2].digest);
    EXPECT_EQ(select_platform(list, Platform::parse("linux/arm64")).digest, list[4].digest);
    // Only 386 offered: an amd64 host still runs it.
    std::vector<Descriptor> only386 = {entry("linux/386", '1')};
    EXPECT_EQ(select_platform(only386, Platform::parse("linux/amd64")).digest, only386[0].digest);
}

TEST(Platform, NoMatchListsWhatIsAvailable) {
    std::vector<Descriptor> list = {entry("linux/amd64", '1'), entry("linux/arm64/v8", '2')};
    Descriptor attestation = entry("linux/amd64", '3');
    attestation.platform = Platform{"unknown", "unknown", "", "", {}};
    list.push_back(attestation);
    try {
        select_platform(list, Platform::parse("linux/ppc64le"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::not_found);
        EXPECT_EQ(std::string(e.what()),
                  "no matching manifest for linux/ppc64le in the manifest list entries: linux/amd64, linux/arm64/v8");
    }
}

}  // namespace
}  // namespace berth::image
