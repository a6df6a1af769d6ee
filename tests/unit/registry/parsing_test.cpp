// The registry client's pure parts: challenges, credentials, error text, progress, hosts.
#include <gtest/gtest.h>

#include "common/base64.hpp"
#include "registry/challenge.hpp"
#include "registry/credentials.hpp"
#include "registry/login.hpp"
#include "registry/progress.hpp"
#include "registry/registry_error.hpp"
#include "registry/registry_hosts.hpp"

namespace berth::registry {
namespace {

TEST(ChallengeTest, ParsesDockerHubBearer) {
    auto c = parse_challenges(
        R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].scheme, "bearer");
    EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
    EXPECT_EQ(c[0].param("service"), "registry.docker.io");
    EXPECT_EQ(c[0].param("scope"), "repository:library/busybox:pull");
}

TEST(ChallengeTest, ParsesBasicAndSeveralInOneHeader) {
    auto c = parse_challenges(R"(Basic realm="Registry Realm", Bearer realm="http://x/t",service=reg)");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].scheme, "basic");
    EXPECT_EQ(c[0].param("realm"), "Registry Realm");
    EXPECT_EQ(c[1].scheme, "bearer");
    EXPECT_EQ(c[1].param("service"), "reg");
}

TEST(ChallengeTest, QuotedEscapesAndGarbage) {
    auto c = parse_challenges(R"(Bearer realm="a\"b")");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].param("realm"), "a\"b");
    EXPECT_TRUE(parse_challenges("").empty());
    EXPECT_NO_THROW(parse_challenges(",,, =\"\""));
}

TEST(Base64Test, RoundTripsBothAlphabets) {
    for (std::string s : {"", "a", "ab", "abc", "user:p@ss\xff\xfe"}) {
        EXPECT_EQ(base64_decode(base64_encode(s)).value(), s);
        EXPECT_EQ(base64_decode(base64_encode(s, true)).value(), s);
    }
    EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
    EXPECT_FALSE(base64_decode("a!b").has_value());
}

TEST(CredentialsTest, FromHeaderCaseInsensitiveAndAuthField) {
    std::string json = R"({"Username":"u","PASSWORD":"p","serveraddress":"127.0.0.1:5000"})";
    Credentials c = credentials_from_header(base64_encode(json, true));
    EXPECT_EQ(c.username, "u");
    EXPECT_EQ(c.password, "p");
    EXPECT_EQ(c.server_address, "127.0.0.1:5000");
    Credentials a = credentials_from_json(Json{{"auth", base64_encode("me:se:cret")}});
    EXPECT_EQ(a.username, "me");
    EXPECT_EQ(a.password, "se:cret");
    EXPECT_TRUE(credentials_from_header("not base64 !!").empty());
    EXPECT_TRUE(credentials_from_header(base64_encode("{}", true)).empty());
}

TEST(RegistryErrorTest, DockerWording) {
    HttpResponse r;
    r.status = 404;
    r.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]})";
    EXPECT_EQ(read_registry_error(r).text, "manifest unknown: manifest unknown");
    EXPECT_EQ(read_registry_error(r).code, "MANIFEST_UNKNOWN");
    r.status = 500;
    r.body = "<html>oops</html>";
    EXPECT_EQ(read_registry_error(r).text, "unexpected status code 500 Internal Server Error");
    EXPECT_EQ(errc_for_status(401), Errc::unauthorized);
    EXPECT_TRUE(is_transient_status(503));
    EXPECT_FALSE(is_transient_status(404));
}

TEST(ProgressTest, DockerBarAndSizes) {
    EXPECT_EQ(human_size(977), "977B");
    EXPECT_EQ(human_size(12345678), "12.35MB");
    EXPECT_EQ(progress_bar(0, 100), "[>                                                 ]       0B/100B");
    std::string half = progress_bar(50, 100);
    EXPECT_EQ(half.substr(0, 27), "[=========================>");
    EXPECT_EQ(short_id("sha256:0123456789abcdef"), "0123456789ab");
    Json p = progress_message("Downloading", "abc", 1, 2);
    EXPECT_EQ(p["progressDetail"]["current"], 1);
    EXPECT_EQ(p["progressDetail"]["total"], 2);
}

TEST(RegistryHostsTest, InsecureAndHub) {
    RegistryConfig cfg;
    cfg.insecure = {"10.1.0.0/16", "myreg:5000"};
    EXPECT_TRUE(is_insecure_host(cfg, "127.0.0.1:5000"));
    EXPECT_TRUE(is_insecure_host(cfg, "localhost:1"));
    EXPECT_TRUE(is_insecure_host(cfg, "10.1.2.3:443"));
    EXPECT_TRUE(is_insecure_host(cfg, "myreg:5000"));
    EXPECT_FALSE(is_insecure_host(cfg, "myreg:5001"));
    EXPECT_FALSE(is_insecure_host(cfg, "10.2.0.1"));
    EXPECT_TRUE(is_docker_hub("index.docker.io"));
    EXPECT_EQ(login_host("https://index.docker.io/v1/"), "docker.io");
    EXPECT_EQ(login_host("http://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
    EXPECT_EQ(login_host("127.0.0.1:5000"), "127.0.0.1:5000");

    cfg.mirrors = {"http://127.0.0.1:9999/"};
    RegistryHosts hosts(cfg);
    auto eps = hosts.endpoints("docker.io");
    ASSERT_EQ(eps.size(), 2u);
    EXPECT_EQ(eps[0].base_url, "http://127.0.0.1:9999");
    EXPECT_TRUE(eps[0].mirror);
    EXPECT_EQ(eps[1].base_url, "https://registry-1.docker.io");
    EXPECT_EQ(hosts.endpoints("127.0.0.1:5000")[0].base_url, "https://127.0.0.1:5000");
    hosts.remember_scheme("127.0.0.1:5000", "http");
    EXPECT_EQ(hosts.endpoints("127.0.0.1:5000")[0].base_url, "http://127.0.0.1:5000");
}

TEST(RegistryHostsTest, TokenCacheExpires) {
    RegistryHosts hosts({});
    hosts.cache_token("k", "t", std::chrono::seconds(60));
    EXPECT_EQ(hosts.cached_token("k"), "t");
    hosts.cache_token("k2", "t2", std::chrono::seconds(0));
    EXPECT_EQ(hosts.cached_token("k2"), "");
}

}  // namespace
}  // namespace berth::registry
