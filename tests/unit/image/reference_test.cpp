#include "image/reference.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace berth::image {
namespace {

const std::string kHex = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

struct Valid {
    std::string input;
    std::string full;      // Reference::parse(...).str()
    std::string familiar;  // familiar_string()
};

class ValidReference : public ::testing::TestWithParam<Valid> {};

TEST_P(ValidReference, NormalisesLikeDocker) {
    const auto& c = GetParam();
    Reference r = Reference::parse(c.input);
    EXPECT_EQ(r.str(), c.full);
    EXPECT_EQ(r.familiar_string(), c.familiar);
    // The full form parses back to itself.
    EXPECT_EQ(Reference::parse(r.str()), r);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidReference,
    ::testing::Values(
        Valid{"busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        Valid{"library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        Valid{"docker.io/busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"},
        Valid{"index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        Valid{"user/app:1.0", "docker.io/user/app:1.0", "user/app:1.0"},
        Valid{"docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest"},
        Valid{"localhost/x", "localhost/x:latest", "localhost/x:latest"},
        Valid{"localhost:5000/foo/bar:v2", "localhost:5000/foo/bar:v2", "localhost:5000/foo/bar:v2"},
        Valid{"127.0.0.1:5000/repo", "127.0.0.1:5000/repo:latest", "127.0.0.1:5000/repo:latest"},
        Valid{"[::1]:5000/repo", "[::1]:5000/repo:latest", "[::1]:5000/repo:latest"},
        Valid{"quay.io/org/sub/app:x_Y.z-1", "quay.io/org/sub/app:x_Y.z-1", "quay.io/org/sub/app:x_Y.z-1"},
        // A first component with uppercase cannot be a repository, so Docker takes it as a host.
        Valid{"Foo/bar", "Foo/bar:latest", "Foo/bar:latest"},
        Valid{"a.b-c/d__e.f--g_h", "a.b-c/d__e.f--g_h:latest", "a.b-c/d__e.f--g_h:latest"},
        Valid{"busybox@sha256:" + kHex, "docker.io/library/busybox@sha256:" + kHex, "busybox@sha256:" + kHex},
        Valid{"busybox:1@sha256:" + kHex, "docker.io/library/busybox:1@sha256:" + kHex,
              "busybox:1@sha256:" + kHex}));

struct Invalid {
    std::string input;
    std::string message;  // substring of the error
};

class InvalidReference : public ::testing::TestWithParam<Invalid> {};

TEST_P(InvalidReference, RefusedSayingWhy) {
    const auto& c = GetParam();
    try {
        Reference::parse(c.input);
        FAIL() << "accepted " << c.input;
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << c.input << ": " << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidReference,
    ::testing::Values(
        Invalid{"", "invalid reference format: repository name must have at least one component"},
        Invalid{"Busybox", "invalid reference format: repository name must be lowercase"},
        Invalid{"user/App:1", "invalid reference format: repository name must be lowercase"},
        Invalid{"busybox:", "invalid reference format"}, Invalid{":tag", "invalid reference format"},
        Invalid{"a//b", "invalid reference format"}, Invalid{"a/", "invalid reference format"},
        Invalid{"-abc", "invalid reference format"}, Invalid{"abc-", "invalid reference format"},
        Invalid{"a..b", "invalid reference format"}, Invalid{"a___b", "invalid reference format"},
        Invalid{"repo:ta g", "invalid reference format"},
        Invalid{"repo:" + std::string(129, 'a'), "invalid reference format"},
        Invalid{"repo@sha256:abc", "invalid reference format"},
        Invalid{"repo@md5:" + kHex, "invalid reference format"},
        Invalid{"localhost:abc/x", "invalid reference format"},
        Invalid{"bad_host.com/x", "invalid reference format"},
        Invalid{kHex, "cannot specify 64-byte hexadecimal strings"},
        Invalid{"a/" + std::string(260, 'b'), "must not be more than 255 characters"}));

TEST(Reference, ParseNamedKeepsNoTag) {
    Reference r = Reference::parse_named("busybox");
    EXPECT_FALSE(r.has_tag());
    EXPECT_EQ(r.str(), "docker.io/library/busybox");
    EXPECT_EQ(r.familiar_name(), "busybox");
}

TEST(Reference, Builders) {
    Reference r = Reference::parse("busybox:1");
    EXPECT_EQ(r.with_tag("2").str(), "docker.io/library/busybox:2");
    Digest d = Digest::parse("sha256:" + kHex);
    EXPECT_EQ(r.with_digest(d).familiar_string(), "busybox@sha256:" + kHex);
    EXPECT_EQ(r.name_only().str(), "docker.io/library/busybox");
    EXPECT_THROW(r.with_tag("bad tag"), Error);
    EXPECT_EQ(r.domain(), "docker.io");
    EXPECT_EQ(r.path(), "library/busybox");
}

TEST(Reference, LooksLikeImageId) {
    EXPECT_TRUE(Reference::looks_like_image_id(kHex));
    EXPECT_TRUE(Reference::looks_like_image_id("sha256:" + kHex));
    EXPECT_FALSE(Reference::looks_like_image_id("abc"));
}

TEST(GlobMatch, GoPathMatchSemantics) {
    EXPECT_TRUE(glob_match("busy*", "busybox:latest"));
    EXPECT_TRUE(glob_match("*", "busybox"));
    EXPECT_FALSE(glob_match("*", "user/app"));  // * does not cross '/'
    EXPECT_TRUE(glob_match("*/*", "user/app"));
    EXPECT_TRUE(glob_match("b?sybox", "busybox"));
    EXPECT_TRUE(glob_match("[a-c]usybox", "busybox"));
    EXPECT_FALSE(glob_match("[^a-c]usybox", "busybox"));
    EXPECT_TRUE(glob_match("a\\*b", "a*b"));
    EXPECT_FALSE(glob_match("a\\*b", "axb"));
    EXPECT_FALSE(glob_match("busybox", "busybox:latest"));
    EXPECT_TRUE(glob_match("*box*", "busybox:1.36"));
}

TEST(GlobMatch, ReferenceFilterUsesFamiliarForms) {
    Reference bb = Reference::parse("busybox:1.36");
    EXPECT_TRUE(reference_matches("busybox", bb));  // name alone
    EXPECT_TRUE(reference_matches("busybox:1.*", bb));
    EXPECT_FALSE(reference_matches("busybox:2*", bb));
    EXPECT_FALSE(reference_matches("docker.io/library/busybox", bb));
    EXPECT_TRUE(reference_matches("user/*", Reference::parse("user/app:1")));
    EXPECT_TRUE(reference_matches("localhost:5000/*", Reference::parse("localhost:5000/app")));
}

}  // namespace
}  // namespace berth::image
