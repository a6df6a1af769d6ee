// berthd's TLS settings: --tlsverify implies --tls, default file names, daemon.json keys, and
// files that cannot be read are refused naming the file and its flag.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/error.hpp"
#include "daemon/config.hpp"

namespace berth::daemon {
namespace {

namespace fs = std::filesystem;

class ConfigTls : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("berth-config-tls-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir);
        for (const char* f : {"ca.pem", "cert.pem", "key.pem"}) std::ofstream(dir / f) << "x";
        config = (dir / "daemon.json").string();
        std::ofstream(config) << "{}";
        ::unsetenv("DOCKER_CERT_PATH");
    }
    void TearDown() override {
        ::unsetenv("DOCKER_CERT_PATH");
        fs::remove_all(dir);
    }
    // parse_args over argv, with our own empty daemon.json.
    Config parse(std::vector<std::string> args) {
        args.insert(args.begin(), {"berthd", "--config-file", config});
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        auto parsed = parse_args(static_cast<int>(argv.size()), argv.data());
        EXPECT_FALSE(parsed.exit_code);
        return parsed.config;
    }
    std::string file(const char* name) { return (dir / name).string(); }
    // The message of the Error parse throws, "" if it does not.
    std::string error_of(std::vector<std::string> args) {
        try {
            parse(std::move(args));
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Errc::invalid_argument);
            return e.what();
        }
        return "";
    }

    fs::path dir;
    std::string config;
};

TEST_F(ConfigTls, OffByDefault) {
    Config c = parse({});
    EXPECT_FALSE(c.tls);
    EXPECT_FALSE(c.tlsverify);
    EXPECT_FALSE(c.tls_explicitly_off);
}

TEST_F(ConfigTls, VerifyImpliesTlsAndOverridesTlsFalse) {
    Config c = parse({"--tls=false", "--tlsverify", "--tlscacert", file("ca.pem"), "--tlscert",
                      file("cert.pem"), "--tlskey", file("key.pem")});
    EXPECT_TRUE(c.tls);
    EXPECT_TRUE(c.tlsverify);
    EXPECT_FALSE(c.tls_explicitly_off);
    EXPECT_EQ(c.tlscacert, file("ca.pem"));
}

TEST_F(ConfigTls, TlsFalseIsConsentToPlainTcp) {
    Config c = parse({"--tls=false"});
    EXPECT_FALSE(c.tls);
    EXPECT_TRUE(c.tls_explicitly_off);
}

TEST_F(ConfigTls, MissingCertificateNamesFileAndFlag) {
    std::string missing = file("nope.pem");
    std::string msg = error_of({"--tlsverify", "--tlscacert", file("ca.pem"), "--tlscert", missing,
                                "--tlskey", file("key.pem")});
    EXPECT_NE(msg.find("\"" + missing + "\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("--tlscert"), std::string::npos) << msg;
    EXPECT_NE(msg.find("No such file"), std::string::npos) << msg;
}

TEST_F(ConfigTls, MissingKeyAndCaNamed) {
    std::string msg = error_of({"--tlsverify", "--tlscacert", file("ca.pem"), "--tlscert",
                                file("cert.pem"), "--tlskey", file("nokey.pem")});
    EXPECT_NE(msg.find(file("nokey.pem")), std::string::npos) << msg;
    EXPECT_NE(msg.find("--tlskey"), std::string::npos) << msg;
    msg = error_of({"--tlsverify", "--tlscacert", file("noca.pem"), "--tlscert", file("cert.pem"),
                    "--tlskey", file("key.pem")});
    EXPECT_NE(msg.find(file("noca.pem")), std::string::npos) << msg;
    EXPECT_NE(msg.find("--tlscacert"), std::string::npos) << msg;
}

TEST_F(ConfigTls, TlsWithoutVerifyNeedsNoCa) {
    Config c = parse({"--tls", "--tlscacert", file("noca.pem"), "--tlscert", file("cert.pem"),
                      "--tlskey", file("key.pem")});
    EXPECT_TRUE(c.tls);
    EXPECT_FALSE(c.tlsverify);
}

TEST_F(ConfigTls, DefaultsComeFromDockerCertPath) {
    ::setenv("DOCKER_CERT_PATH", dir.c_str(), 1);
    Config c = parse({"--tlsverify"});
    EXPECT_EQ(c.tlscacert, file("ca.pem"));
    EXPECT_EQ(c.tlscert, file("cert.pem"));
    EXPECT_EQ(c.tlskey, file("key.pem"));
    ::setenv("DOCKER_CERT_PATH", (dir / "empty").c_str(), 1);
    std::string msg = error_of({"--tlsverify"});
    EXPECT_NE(msg.find((dir / "empty" / "ca.pem").string()), std::string::npos) << msg;
}

TEST_F(ConfigTls, DefaultsWithoutEnvAreInHomeDotDocker) {
    const char* home = std::getenv("HOME");
    ::setenv("HOME", dir.c_str(), 1);
    Config c = parse({});
    if (home != nullptr)
        ::setenv("HOME", home, 1);
    else
        ::unsetenv("HOME");
    EXPECT_EQ(c.tlscert, (dir / ".docker" / "cert.pem").string());
}

TEST_F(ConfigTls, DaemonJsonKeysAndFlagsWin) {
    std::ofstream(config) << R"({"tlsverify": true, "tlscacert": ")" << file("ca.pem")
                          << R"(", "tlscert": ")" << file("nope.pem") << R"(", "tlskey": ")"
                          << file("key.pem") << R"("})";
    // The file's tlscert does not exist: the flag's must win over it.
    Config c = parse({"--tlscert", file("cert.pem")});
    EXPECT_TRUE(c.tls);
    EXPECT_TRUE(c.tlsverify);
    EXPECT_EQ(c.tlscert, file("cert.pem"));
    EXPECT_EQ(c.tlscacert, file("ca.pem"));
    std::string msg = error_of({});
    EXPECT_NE(msg.find(file("nope.pem")), std::string::npos) << msg;
}

TEST_F(ConfigTls, DaemonJsonTlsFalse) {
    std::ofstream(config) << R"({"tls": false})";
    Config c = parse({});
    EXPECT_TRUE(c.tls_explicitly_off);
    EXPECT_FALSE(c.tls);
}

}  // namespace
}  // namespace berth::daemon
