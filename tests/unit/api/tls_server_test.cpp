// The API server with TLS on a real tcp port: certificates from make-tls-certs.sh, a small
// OpenSSL client. Client certificates are required and checked, a stalled handshake times out
// without holding up others, plain HTTP gets a readable 400, and chunked and hijacked streams
// (one thread reading while another writes) work over TLS.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "api/server/server.hpp"
#include "api/server/tls_context.hpp"
#include "common/error.hpp"

namespace berth::api {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

int connect_tcp(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error("connect failed");
    return fd;
}

// Everything a plain socket yields until EOF or timeout.
std::string read_plain(int fd, std::chrono::milliseconds timeout = 3s) {
    std::string out;
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, static_cast<int>(timeout.count())) > 0) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

// A blocking TLS client; handshake() false (with why) when the server refuses it.
class TlsClient {
  public:
    TlsClient(uint16_t port, const std::string& ca, const std::string& cert = "",
              const std::string& key = "") {
        ctx_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx_, ca.c_str(), nullptr);
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        if (!cert.empty()) {
            SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str());
            SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM);
        }
        fd_ = connect_tcp(port);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
    }
    ~TlsClient() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
        ::close(fd_);
    }
    // With TLS 1.3 a refused client certificate shows on the first read, not in SSL_connect:
    // send a request and see whether an answer comes.
    bool handshake() { return SSL_connect(ssl_) == 1; }
    // False when the server has already refused the connection.
    bool send(const std::string& s) {
        bool ok = SSL_write(ssl_, s.data(), static_cast<int>(s.size())) == (int)s.size();
        ERR_clear_error();
        return ok;
    }
    // Reads until `until` shows up, or EOF or an error; returns what was read.
    std::string read_until(const std::string& until) {
        char buf[4096];
        while (buf_.find(until) == std::string::npos) {
            int n = SSL_read(ssl_, buf, sizeof buf);
            if (n <= 0) {
                error_ = SSL_get_error(ssl_, n);
                ERR_clear_error();
                break;
            }
            buf_.append(buf, static_cast<size_t>(n));
        }
        auto pos = buf_.find(until);
        std::string out = pos == std::string::npos ? buf_ : buf_.substr(0, pos + until.size());
        buf_.erase(0, out.size());
        return out;
    }
    int last_error() const { return error_; }
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  private:
    SSL_CTX* ctx_;
    SSL* ssl_;
    int fd_;
    std::string buf_;
    int error_ = 0;
};

class TlsServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ::signal(SIGPIPE, SIG_IGN);  // as berthd: a client gone mid-write is an error, not death
        pki = fs::temp_directory_path() /
              ("berth-tls-test-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(pki);
        std::string cmd = std::string(BERTH_SOURCE_DIR) +
                          "/tests/integration/daemon/make-tls-certs.sh " + pki.string() +
                          " >/dev/null 2>&1";
        ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
        mux.add({"GET", "/fast", [](Context&) { return Response::text(200, "fast"); }});
        mux.add({"GET", "/stream", [](Context& c) {
                     auto& out = c.stream();
                     out.write("{\"n\":1}\n");
                     out.write("{\"n\":2}\n");
                     return Response{};
                 }});
        mux.add({"POST", "/hijack", [](Context& c) {
                     auto raw = c.hijack("application/vnd.docker.raw-stream");
                     // Writes from another thread while this one reads: the attach shape.
                     std::promise<void> first;
                     std::thread ticker([&] {
                         raw->write_all("tick ");
                         first.set_value();
                     });
                     first.get_future().wait();
                     char buf[256];
                     while (size_t n = raw->read_some(buf, sizeof buf)) {
                         std::string s(buf, n);
                         for (auto& ch : s) ch = static_cast<char>(std::toupper(ch));
                         raw->write_all(s);
                     }
                     ticker.join();
                     raw->write_all("BYE");
                     raw->close_write();
                     return Response{};
                 }});
    }
    void TearDown() override {
        server.reset();
        fs::remove_all(pki);
    }
    std::string f(const char* name) { return (pki / name).string(); }
    void start(bool verify = true, std::chrono::milliseconds handshake_timeout = 10s) {
        port = free_port();
        ServerOptions o;
        o.tls = TlsContext::load({.ca_file = f("ca.pem"),
                                  .cert_file = f("server-cert.pem"),
                                  .key_file = f("server-key.pem"),
                                  .verify_clients = verify});
        o.tls_handshake_timeout = handshake_timeout;
        server = std::make_unique<Server>(mux, o);
        server->listen(parse_listen_address("tcp://127.0.0.1:" + std::to_string(port)));
        server->start();
    }
    std::unique_ptr<TlsClient> client() {
        return std::make_unique<TlsClient>(port, f("ca.pem"), f("cert.pem"), f("key.pem"));
    }

    fs::path pki;
    Mux mux;
    uint16_t port = 0;
    std::unique_ptr<Server> server;
};

TEST_F(TlsServerTest, KeepAliveRequests) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(c->send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto got = c->read_until("fast");
        EXPECT_EQ(got.rfind("HTTP/1.1 200 OK", 0), 0u) << got;
        EXPECT_NE(got.find("Content-Length: 4"), std::string::npos);
    }
}

TEST_F(TlsServerTest, ChunkedStream) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto got = c->read_until("0\r\n\r\n");
    EXPECT_NE(got.find("Transfer-Encoding: chunked"), std::string::npos) << got;
    EXPECT_NE(got.find("8\r\n{\"n\":1}\n\r\n8\r\n{\"n\":2}\n\r\n0\r\n\r\n"), std::string::npos)
        << got;
}

TEST_F(TlsServerTest, HijackFullDuplexAndHalfClose) {
    start();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(
        c->send("POST /hijack HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"));
    auto head = c->read_until("\r\n\r\n");
    EXPECT_EQ(head.rfind("HTTP/1.1 101 UPGRADED", 0), 0u) << head;
    EXPECT_EQ(c->read_until("tick "), "tick ");
    ASSERT_TRUE(c->send("hello"));
    EXPECT_EQ(c->read_until("HELLO"), "HELLO");
    // The docker CLI ends stdin with a bare TCP half-close, no close_notify.
    c->shutdown_write();
    EXPECT_EQ(c->read_until("BYE"), "BYE");
    // Then the server's close_notify: a clean end of the TLS stream.
    EXPECT_EQ(c->read_until("never"), "");
    EXPECT_EQ(c->last_error(), SSL_ERROR_ZERO_RETURN);
}

TEST_F(TlsServerTest, ClientWithoutCertificateRefused) {
    start();
    TlsClient c(port, f("ca.pem"));
    c.handshake();
    c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_until("fast"), "");
    EXPECT_EQ(c.last_error(), SSL_ERROR_SSL);
    // And the server keeps serving.
    auto ok = client();
    ASSERT_TRUE(ok->handshake());
    ASSERT_TRUE(ok->send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(ok->read_until("fast").find("200 OK"), std::string::npos);
}

TEST_F(TlsServerTest, CertificateOfAnotherCaRefused) {
    start();
    TlsClient c(port, f("ca.pem"), f("other/cert.pem"), f("other/key.pem"));
    c.handshake();
    c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_until("fast"), "");
}

TEST_F(TlsServerTest, WithoutVerifyAnyClientIsServed) {
    start(/*verify=*/false);
    TlsClient c(port, f("ca.pem"));
    ASSERT_TRUE(c.handshake());
    ASSERT_TRUE(c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(c.read_until("fast").find("200 OK"), std::string::npos);
}

TEST_F(TlsServerTest, PlainHttpGetsA400) {
    start();
    int fd = connect_tcp(port);
    std::string req = "GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::write(fd, req.data(), req.size()), (ssize_t)req.size());
    std::string got = read_plain(fd);
    ::close(fd);
    EXPECT_EQ(got,
              "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
}

TEST_F(TlsServerTest, StalledHandshakeTimesOutWithoutBlockingOthers) {
    start(true, 300ms);
    int stalled = connect_tcp(port);  // connects, never says a word
    auto t0 = std::chrono::steady_clock::now();
    auto c = client();
    ASSERT_TRUE(c->handshake());
    ASSERT_TRUE(c->send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(c->read_until("fast").find("200 OK"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 300ms);
    // The stalled one is closed once its time is up.
    EXPECT_EQ(read_plain(stalled, 3s), "");
    auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 2s);
    ::close(stalled);
    // Only the good client's connection is left (the stalled one goes right after its EOF).
    for (int i = 0; i < 100 && server->open_connections() != 1; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(server->open_connections(), 1u);
}

TEST(TlsContextLoad, ErrorsNameTheFile) {
    auto dir = fs::temp_directory_path() / ("berth-tls-load-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::string cmd = std::string(BERTH_SOURCE_DIR) +
                      "/tests/integration/daemon/make-tls-certs.sh " + dir.string() +
                      " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto p = [&](const char* n) { return (dir / n).string(); };
    auto message = [](const TlsServerConfig& c) -> std::string {
        try {
            TlsContext::load(c);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Errc::invalid_argument);
            return e.what();
        }
        return "";
    };
    EXPECT_EQ(message({p("ca.pem"), p("server-cert.pem"), p("server-key.pem"), true}), "");
    std::string m = message({p("ca.pem"), p("missing.pem"), p("server-key.pem"), true});
    EXPECT_NE(m.find(p("missing.pem")), std::string::npos) << m;
    EXPECT_NE(m.find("--tlscert"), std::string::npos) << m;
    std::ofstream(dir / "garbage.pem") << "not a certificate\n";
    m = message({p("ca.pem"), p("garbage.pem"), p("server-key.pem"), true});
    EXPECT_NE(m.find(p("garbage.pem")), std::string::npos) << m;
    m = message({p("garbage.pem"), p("server-cert.pem"), p("server-key.pem"), true});
    EXPECT_NE(m.find(p("garbage.pem")), std::string::npos) << m;
    // The client's key with the server's certificate.
    m = message({p("ca.pem"), p("server-cert.pem"), p("key.pem"), true});
    EXPECT_NE(m.find("does not belong"), std::string::npos) << m;
    // Without verification the CA is not needed.
    EXPECT_EQ(message({p("missing.pem"), p("server-cert.pem"), p("server-key.pem"), false}), "");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace berth::api
