// The registry side of the CLI: references as docker reads them, X-Registry-Auth, config.json
// read/write/merge, and the credential-helper protocol against a real helper program.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/format/note.hpp"
#include "cli/registry/auth_config.hpp"
#include "cli/registry/config_file.hpp"
#include "cli/registry/credential_helper.hpp"
#include "cli/registry/credential_store.hpp"
#include "cli/registry/platform.hpp"
#include "cli/registry/reference.hpp"
#include "common/base64.hpp"
#include "common/error.hpp"

namespace berth::cli {
namespace {

using client::Json;

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/berth-cli-registry.XXXXXX";
        path_ = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

TEST(Reference, NormalizedAsDocker) {
    auto r = parse_normalized_named("alpine");
    EXPECT_EQ(r.name(), "docker.io/library/alpine");
    EXPECT_TRUE(r.name_only());
    EXPECT_EQ(tag_name_only(r).str(), "docker.io/library/alpine:latest");
    EXPECT_EQ(tag_name_only(r).familiar_str(), "alpine:latest");

    r = parse_normalized_named("user/app:1.0");
    EXPECT_EQ(r.str(), "docker.io/user/app:1.0");
    EXPECT_EQ(r.familiar_name(), "user/app");

    r = parse_normalized_named("127.0.0.1:5000/team/app");
    EXPECT_EQ(r.domain, "127.0.0.1:5000");
    EXPECT_EQ(r.path, "team/app");
    EXPECT_EQ(r.tag, "");
    EXPECT_EQ(r.familiar_name(), "127.0.0.1:5000/team/app");

    r = parse_normalized_named("localhost/app:v2");
    EXPECT_EQ(r.domain, "localhost");
    EXPECT_EQ(r.tag, "v2");

    r = parse_normalized_named("index.docker.io/library/busybox@sha256:" + std::string(64, 'a'));
    EXPECT_EQ(r.domain, "docker.io");
    EXPECT_EQ(r.familiar_str(), "busybox@sha256:" + std::string(64, 'a'));
    EXPECT_EQ(tag_name_only(r).tag, "");  // a digest is enough

    try {
        parse_normalized_named("Busybox");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(
            e.what(),
            "invalid reference format: repository name (library/Busybox) must be lowercase");
    }
    EXPECT_THROW(parse_normalized_named("a:b:c"), Error);
    EXPECT_THROW(parse_normalized_named("app:"), Error);
    EXPECT_THROW(parse_normalized_named("a-_b"), Error);
    EXPECT_THROW(parse_normalized_named("a___b"), Error);
    EXPECT_NO_THROW(parse_normalized_named("a--b.c__d_e"));
    EXPECT_THROW(parse_normalized_named(std::string(64, 'f')), Error);
}

TEST(Reference, CredentialKeys) {
    EXPECT_EQ(auth_config_key("docker.io"), kIndexServer);
    EXPECT_EQ(auth_config_key("index.docker.io"), kIndexServer);
    EXPECT_EQ(auth_config_key("registry-1.docker.io"), kIndexServer);
    EXPECT_EQ(auth_config_key("127.0.0.1:5000"), "127.0.0.1:5000");
    EXPECT_EQ(convert_to_hostname("https://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
    EXPECT_EQ(convert_to_hostname("127.0.0.1:5000"), "127.0.0.1:5000");
    EXPECT_EQ(convert_to_hostname("http://reg.example/"), "reg.example");
}

TEST(AuthHeader, EncodedAsDockerEncodesIt) {
    // No login: the JSON "{}", base64url with padding.
    EXPECT_EQ(encode_auth_header({}), "e30=");

    AuthConfig a;
    a.username = "user";
    a.password = "p@ss/word?";
    a.server_address = "127.0.0.1:5000";
    std::string json =
        R"({"username":"user","password":"p@ss/word?","serveraddress":"127.0.0.1:5000"})";
    EXPECT_EQ(go_json(auth_config_json(a)), json);
    EXPECT_EQ(encode_auth_header(a), base64_encode(json, true));

    AuthConfig token;
    token.username = "user";
    token.server_address = kIndexServer;
    token.identity_token = "tok<en>&";
    EXPECT_EQ(
        go_json(auth_config_json(token)),
        R"({"username":"user","serveraddress":"https://index.docker.io/v1/","identitytoken":"tok\u003cen\u003e\u0026"})");
}

TEST(AuthHeader, Base64Alphabets) {
    // X-Registry-Auth is base64url with padding (Go's URLEncoding); config.json's "auth" is
    // the standard alphabet.
    EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
    EXPECT_EQ(base64_encode("\xfb\xff", true), "-_8=");
    EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
    EXPECT_EQ(base64_decode("dXNlcjpwYXNz"), "user:pass");
}

TEST(ConfigFile, ReadsWritesAndKeepsUnknownMembers) {
    TempDir dir;
    std::string path = dir.path() + "/sub/config.json";
    std::system(("mkdir -p " + dir.path() + "/sub").c_str());
    spit(
        path,
        R"({"psFormat":"{{.ID}}","auths":{"old.example":{"auth":"dTpw","x-extra":1}},"plugins":{"a":{"b":"c"}}})");
    ConfigFile file = ConfigFile::load(path);
    auto old = file.auth("old.example");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->username, "u");
    EXPECT_EQ(old->password, "p");
    EXPECT_EQ(old->server_address, "old.example");

    AuthConfig a;
    a.username = "alice";
    a.password = "s3cret";
    a.server_address = "127.0.0.1:5000";
    file.set_auth(a.server_address, a);
    file.save();

    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::string text = slurp(path);
    // Docker's layout: tabs, no trailing newline.
    EXPECT_NE(text.find("\n\t\"auths\": {\n\t\t\"old.example\": {"), std::string::npos) << text;
    EXPECT_NE(text.back(), '\n');
    Json doc = Json::parse(text);
    EXPECT_EQ(doc["psFormat"], "{{.ID}}");
    EXPECT_EQ(doc["plugins"]["a"]["b"], "c");
    EXPECT_EQ(doc["auths"]["old.example"]["x-extra"], 1);
    EXPECT_EQ(doc["auths"]["127.0.0.1:5000"], Json::parse(R"({"auth":"YWxpY2U6czNjcmV0"})"));

    ConfigFile again = ConfigFile::load(path);
    EXPECT_EQ(again.auth("127.0.0.1:5000")->password, "s3cret");
    EXPECT_TRUE(again.erase_auth("127.0.0.1:5000"));
    EXPECT_FALSE(again.erase_auth("127.0.0.1:5000"));
    again.save();
    EXPECT_FALSE(Json::parse(slurp(path))["auths"].contains("127.0.0.1:5000"));
    // no temp file left beside it
    EXPECT_EQ(std::system(("test $(ls -A " + dir.path() + "/sub | wc -l) -eq 1").c_str()), 0);
}

TEST(ConfigFile, IdentityTokenAndMissingFile) {
    TempDir dir;
    std::string path = dir.path() + "/new/config.json";
    ConfigFile file = ConfigFile::load(path);  // no file: empty
    EXPECT_FALSE(file.auth(kIndexServer));
    AuthConfig a;
    a.username = "bob";
    a.identity_token = "tok";
    a.server_address = kIndexServer;
    file.set_auth(kIndexServer, a);
    file.save();
    EXPECT_EQ(Json::parse(slurp(path))["auths"][kIndexServer],
              Json::parse(R"({"auth":"Ym9iOg==","identitytoken":"tok"})"));
    auto back = ConfigFile::load(path).auth(kIndexServer);
    EXPECT_EQ(back->username, "bob");
    EXPECT_EQ(back->password, "");
    EXPECT_EQ(back->identity_token, "tok");
}

TEST(ConfigFile, BadContentIsAnError) {
    EXPECT_THROW(ConfigFile::parse("c.json", "{not json"), Error);
    EXPECT_THROW(ConfigFile::parse("c.json", R"({"auths":{"h":{"auth":"bm9jb2xvbg=="}}})"), Error);
    EXPECT_FALSE(ConfigFile::parse("c.json", "  \n").auth("h"));
}

TEST(Credentials, BerthFirstThenDocker) {
    TempDir dir;
    std::string berth = dir.path() + "/berth", docker = dir.path() + "/docker";
    std::system(("mkdir -p " + berth + " " + docker).c_str());
    spit(
        docker + "/config.json",
        R"({"auths":{"https://index.docker.io/v1/":{"auth":"ZDpk"},"127.0.0.1:5000":{"auth":"ZDI6ZDI="},"https://legacy.example:5000/v1/":{"auth":"bDpw"}}})");
    spit(berth + "/config.json", R"({"auths":{"127.0.0.1:5000":{"auth":"Yjpi"}}})");
    Credentials c(berth, docker);
    EXPECT_EQ(c.get("127.0.0.1:5000").username, "b");       // berth's own wins
    EXPECT_EQ(c.get(kIndexServer).username, "d");           // docker's fills the gap
    EXPECT_EQ(c.get("legacy.example:5000").username, "l");  // a URL key matches its host
    EXPECT_TRUE(c.get("other:1").empty());

    AuthConfig a;
    a.username = "n";
    a.password = "p";
    a.server_address = "other:1";
    c.store(a);
    EXPECT_EQ(Json::parse(slurp(berth + "/config.json"))["auths"]["other:1"]["auth"], "bjpw");
    // Docker's file is only read.
    EXPECT_FALSE(Json::parse(slurp(docker + "/config.json"))["auths"].contains("other:1"));
    c.erase("other:1");
    EXPECT_TRUE(Credentials(berth, docker).get("other:1").empty());
}

// A credential helper that keeps each server's JSON in a file named by the server's hex.
constexpr const char* kHelper = R"SH(#!/bin/sh
dir=$(dirname "$0")/store
mkdir -p "$dir"
key() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
case "$1" in
store)
  cat > "$dir/last-store"
  url=$(sed -n 's/.*"ServerURL":"\([^"]*\)".*/\1/p' "$dir/last-store")
  cp "$dir/last-store" "$dir/$(key "$url")" ;;
get)
  url=$(cat)
  f="$dir/$(key "$url")"
  if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
erase)
  url=$(cat)
  f="$dir/$(key "$url")"
  [ -f "$f" ] || { echo "credentials not found in native keychain"; exit 1; }
  rm -f "$f" ;;
*) echo "unknown action" >&2; exit 2 ;;
esac
)SH";

class HelperTest : public ::testing::Test {
  protected:
    void SetUp() override {
        bin_ = dir_.path() + "/bin";
        std::system(("mkdir -p " + bin_).c_str());
        spit(bin_ + "/docker-credential-fake", kHelper);
        ::chmod((bin_ + "/docker-credential-fake").c_str(), 0755);
        spit(bin_ + "/docker-credential-broken",
             "#!/bin/sh\ncat >/dev/null\necho 'keychain locked'\nexit 3\n");
        ::chmod((bin_ + "/docker-credential-broken").c_str(), 0755);
        const char* path = std::getenv("PATH");
        old_path_ = path != nullptr ? path : "";
        ::setenv("PATH", (bin_ + ":" + old_path_).c_str(), 1);
    }
    void TearDown() override { ::setenv("PATH", old_path_.c_str(), 1); }

    TempDir dir_;
    std::string bin_, old_path_;
};

TEST_F(HelperTest, Protocol) {
    CredentialHelper helper("fake");
    EXPECT_FALSE(helper.get("127.0.0.1:5000"));
    helper.store({"127.0.0.1:5000", "alice", "pw\"1"});
    // store gets the JSON on stdin, as docker-credential-helpers' client writes it
    EXPECT_EQ(slurp(bin_ + "/store/last-store"),
              R"({"ServerURL":"127.0.0.1:5000","Username":"alice","Secret":"pw\"1"})"
              "\n");
    auto got = helper.get("127.0.0.1:5000");
    ASSERT_TRUE(got);
    EXPECT_EQ(got->username, "alice");
    EXPECT_EQ(got->secret, "pw\"1");
    helper.erase("127.0.0.1:5000");
    EXPECT_FALSE(helper.get("127.0.0.1:5000"));
    try {
        helper.erase("127.0.0.1:5000");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(),
                     "error erasing credentials - err: exit status 1, out: `credentials not found "
                     "in native keychain`");
    }
}

TEST_F(HelperTest, FailuresReadAsDockers) {
    try {
        CredentialHelper("broken").get("h");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(),
                     "error getting credentials - err: exit status 3, out: `keychain locked`");
    }
    try {
        CredentialHelper("absent").store({"h", "u", "p"});
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(),
                     "error storing credentials - err: exec: \"docker-credential-absent\": "
                     "executable file not found in $PATH, out: ``");
    }
}

TEST_F(HelperTest, StoreThroughCredsStoreAndCredHelpers) {
    std::string cfg = dir_.path() + "/cfg";
    std::system(("mkdir -p " + cfg).c_str());
    spit(cfg + "/config.json",
         R"({"credsStore":"fake","credHelpers":{"plain.example":"broken"},"auths":{}})");
    Credentials c(cfg, "");
    AuthConfig a;
    a.username = "alice";
    a.password = "pw";
    a.server_address = "127.0.0.1:5000";
    c.store(a);
    // The file keeps an empty entry; the secret is with the helper.
    Json doc = Json::parse(slurp(cfg + "/config.json"));
    EXPECT_EQ(doc["auths"]["127.0.0.1:5000"], Json::object());
    EXPECT_EQ(doc["credsStore"], "fake");
    AuthConfig back = Credentials(cfg, "").get("127.0.0.1:5000");
    EXPECT_EQ(back.username, "alice");
    EXPECT_EQ(back.password, "pw");
    EXPECT_EQ(back.server_address, "127.0.0.1:5000");

    // An identity token travels as the "<token>" user.
    AuthConfig t;
    t.username = "bob";
    t.identity_token = "idtok";
    t.server_address = kIndexServer;
    c.store(t);
    EXPECT_NE(slurp(bin_ + "/store/last-store").find(R"("Username":"\u003ctoken\u003e")"),
              std::string::npos);
    AuthConfig tok = Credentials(cfg, "").get(kIndexServer);
    EXPECT_EQ(tok.identity_token, "idtok");
    EXPECT_EQ(tok.password, "");

    // credHelpers picks the helper per server.
    EXPECT_THROW(Credentials(cfg, "").get("plain.example"), Error);

    c.erase("127.0.0.1:5000");
    EXPECT_TRUE(Credentials(cfg, "").get("127.0.0.1:5000").empty());
    EXPECT_FALSE(Json::parse(slurp(cfg + "/config.json"))["auths"].contains("127.0.0.1:5000"));
}

TEST(Platform, ParsedAsContainerd) {
    EXPECT_EQ(parse_platform("linux/amd64").dump(), R"({"architecture":"amd64","os":"linux"})");
    EXPECT_EQ(parse_platform("linux/arm64/v8").dump(), R"({"architecture":"arm64","os":"linux"})");
    EXPECT_EQ(parse_platform("linux/arm").dump(),
              R"({"architecture":"arm","os":"linux","variant":"v7"})");
    EXPECT_EQ(parse_platform("aarch64").dump(), R"({"architecture":"arm64","os":"linux"})");
    EXPECT_THROW(parse_platform("linux/amd64/v1/x"), Error);
    EXPECT_THROW(parse_platform("linux//"), Error);
}

TEST(Note, PlainForm) {
    EXPECT_EQ(note_text("one\ntwo"), "\n Info -> one\n         two\n");
}

}  // namespace
}  // namespace berth::cli
