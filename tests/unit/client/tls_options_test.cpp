// The CLI's TLS settings as the docker CLI resolves them: flags over BERTH_* over DOCKER_*,
// --tlsverify implying --tls, default files in the certificate directory, a default client
// certificate that is not there simply not sent; and files that cannot be used named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "client/tls.hpp"
#include "common/error.hpp"

namespace berth::client {
namespace {

namespace fs = std::filesystem;

class TlsOptionsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        for (const char* v : kVars) ::unsetenv(v);
        dir = fs::temp_directory_path() / ("berth-tls-options-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir / "certs");
        for (const char* f : {"ca.pem", "cert.pem", "key.pem"})
            std::ofstream(dir / "certs" / f) << "x";
        if (const char* h = std::getenv("HOME")) home = h;
        ::setenv("HOME", dir.c_str(), 1);  // ~/.docker does not exist there
    }
    void TearDown() override {
        for (const char* v : kVars) ::unsetenv(v);
        ::setenv("HOME", home.c_str(), 1);
        fs::remove_all(dir);
    }
    std::string certs(const char* f) { return (dir / "certs" / f).string(); }

    static constexpr const char* kVars[] = {"BERTH_TLS_VERIFY", "DOCKER_TLS_VERIFY",
                                            "BERTH_TLS",        "DOCKER_TLS",
                                            "BERTH_CERT_PATH",  "DOCKER_CERT_PATH"};
    fs::path dir;
    std::string home = "/root";
};

TEST_F(TlsOptionsTest, OffUnlessAsked) {
    EXPECT_FALSE(resolve_tls({}));
    TlsFlags off;
    off.tls = false;
    ::setenv("DOCKER_TLS", "1", 1);
    EXPECT_FALSE(resolve_tls(off));  // a flag beats the environment
    EXPECT_TRUE(resolve_tls({}));
}

TEST_F(TlsOptionsTest, VerifyFromEnvironmentImpliesTls) {
    ::setenv("DOCKER_TLS_VERIFY", "1", 1);
    ::setenv("DOCKER_CERT_PATH", (dir / "certs").c_str(), 1);
    auto o = resolve_tls({});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o->verify);
    EXPECT_EQ(o->ca_file, certs("ca.pem"));
    EXPECT_EQ(o->cert_file, certs("cert.pem"));
    EXPECT_EQ(o->key_file, certs("key.pem"));
    TlsFlags no_verify;
    no_verify.tlsverify = false;
    EXPECT_FALSE(resolve_tls(no_verify));
}

TEST_F(TlsOptionsTest, BerthNamesComeFirst) {
    ::setenv("DOCKER_CERT_PATH", (dir / "nowhere").c_str(), 1);
    ::setenv("BERTH_CERT_PATH", (dir / "certs").c_str(), 1);
    ::setenv("BERTH_TLS_VERIFY", "yes", 1);
    auto o = resolve_tls({});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o->verify);
    EXPECT_EQ(o->ca_file, certs("ca.pem"));
}

TEST_F(TlsOptionsTest, MissingDefaultClientCertificateIsNotSent) {
    TlsFlags f;
    f.tlsverify = true;
    auto o = resolve_tls(f);  // $HOME/.docker has nothing
    ASSERT_TRUE(o);
    EXPECT_EQ(o->ca_file, (dir / ".docker" / "ca.pem").string());
    EXPECT_EQ(o->cert_file, "");
    EXPECT_EQ(o->key_file, "");
    // A file named on the command line is kept, to fail loudly if it is missing.
    f.tlscert = (dir / "missing.pem").string();
    EXPECT_EQ(resolve_tls(f)->cert_file, (dir / "missing.pem").string());
}

TEST_F(TlsOptionsTest, UnusableFilesAreNamed) {
    TlsOptions o;
    o.verify = true;
    o.ca_file = (dir / "none.pem").string();
    try {
        TlsClientContext ctx(o);
        FAIL() << "a missing CA must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("could not read CA certificate \"" + o.ca_file + "\""),
                  std::string::npos)
            << e.what();
    }
    o.ca_file = certs("ca.pem");  // "x": not PEM
    try {
        TlsClientContext ctx(o);
        FAIL() << "a CA that is not PEM must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("could not load CA certificate \"" + o.ca_file + "\""),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace berth::client
