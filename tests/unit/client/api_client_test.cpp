// The client against a scripted server on a real unix socket: negotiation and versioned paths,
// keep-alive reuse and reconnects, chunked streams delivered piecewise, error bodies, hijacked
// streams both ways with half-close, chunked uploads.
#include "client/api_client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "client/errors.hpp"

namespace berth::client {
namespace {

// Accepts connections and hands each to `handler` with a line reader.
class FakeDaemon {
  public:
    using Handler = std::function<void(int fd, int connection_index)>;
    explicit FakeDaemon(Handler handler) : handler_(std::move(handler)) {
        dir_ =
            std::filesystem::temp_directory_path() /
            ("berth-client-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        path_ = (dir_ / "d.sock").string();
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(fd_, 8), 0);
        thread_ = std::thread([this] {
            for (int i = 0;; ++i) {
                int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c < 0) return;
                ++accepted_;
                handler_(c, i);
                ::close(c);
            }
        });
    }
    ~FakeDaemon() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
        std::filesystem::remove_all(dir_);
    }
    std::string url() const { return "unix://" + path_; }
    int accepted() const { return accepted_; }

    // Reads one request head (and a Content-Length body) from fd.
    static std::string read_request(int fd) {
        std::string data;
        char c;
        while (data.find("\r\n\r\n") == std::string::npos) {
            if (::read(fd, &c, 1) != 1) return data;
            data += c;
        }
        auto cl = data.find("Content-Length: ");
        if (cl != std::string::npos) {
            size_t n = std::stoul(data.substr(cl + 16));
            std::string body(n, '\0');
            size_t got = 0;
            while (got < n) {
                ssize_t r = ::read(fd, body.data() + got, n - got);
                if (r <= 0) break;
                got += static_cast<size_t>(r);
            }
            data += body;
        }
        return data;
    }
    static void send(int fd, const std::string& s) {
        ASSERT_EQ(::write(fd, s.data(), s.size()), (ssize_t)s.size());
    }

  private:
    static inline int counter_ = 0;
    Handler handler_;
    std::filesystem::path dir_;
    std::string path_;
    int fd_ = -1;
    std::thread thread_;
    std::atomic<int> accepted_{0};
};

const std::string kPing = "HTTP/1.1 200 OK\r\nApi-Version: 1.44\r\nContent-Length: 2\r\n\r\nOK";

TEST(ApiClient, NegotiatesAndReusesTheConnection) {
    std::vector<std::string> requests;
    FakeDaemon daemon([&](int fd, int) {
        for (;;) {
            std::string req = FakeDaemon::read_request(fd);
            if (req.empty()) return;
            requests.push_back(req.substr(0, req.find("\r\n")));
            if (req.starts_with("GET /_ping"))
                FakeDaemon::send(fd, kPing);
            else
                FakeDaemon::send(
                    fd,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    "15\r\n\r\n{\"b\":1,\"a\":[2]}");
        }
    });
    ApiClient api(parse_host(daemon.url()));
    EXPECT_EQ(api.version(), "1.44");
    Json v = api.get_json("/version", Query().add("x", "1"));
    EXPECT_EQ(v.dump(), R"({"b":1,"a":[2]})");  // daemon key order kept
    api.get_json("/info");
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0], "GET /_ping HTTP/1.1");
    EXPECT_EQ(requests[1], "GET /v1.44/version?x=1 HTTP/1.1");
    EXPECT_EQ(requests[2], "GET /v1.44/info HTTP/1.1");
    EXPECT_EQ(daemon.accepted(), 1);
}

TEST(ApiClient, ReconnectsWhenTheDaemonClosedAnIdleConnection) {
    FakeDaemon daemon([&](int fd, int) {
        std::string req = FakeDaemon::read_request(fd);
        if (req.starts_with("GET /_ping"))
            FakeDaemon::send(fd, kPing);
        else
            FakeDaemon::send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        // one request per connection, then close
    });
    ApiClient api(parse_host(daemon.url()), "1.47");
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(api.get_json("/info").is_object());
    EXPECT_EQ(daemon.accepted(), 3);
}

TEST(ApiClient, ErrorStatusBecomesDaemonError) {
    FakeDaemon daemon([&](int fd, int) {
        FakeDaemon::read_request(fd);
        FakeDaemon::send(
            fd,
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 37\r\n\r\n"
            "{\"message\":\"No such container: nope\"}");
    });
    ApiClient api(parse_host(daemon.url()), "1.47");
    try {
        api.get_json("/containers/nope/json");
        FAIL();
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.status(), 404);
        EXPECT_EQ(e.code(), Errc::not_found);
        EXPECT_STREQ(e.what(), "No such container: nope");
    }
}

TEST(ApiClient, NoDaemonIsAConnectError) {
    ApiClient api(parse_host("unix:///nonexistent/berthd.sock"));
    try {
        api.version();
        FAIL();
    } catch (const ConnectError& e) {
        EXPECT_NE(std::string(e.what()).find("unix:///nonexistent/berthd.sock. Is berthd running?"),
                  std::string::npos);
    }
}

TEST(ApiClient, StreamsChunksAsTheyArrive) {
    std::atomic<bool> release{false};
    FakeDaemon daemon([&](int fd, int) {
        FakeDaemon::read_request(fd);
        FakeDaemon::send(fd,
                         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nfirst\n\r\n");
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        FakeDaemon::send(fd, "7\r\nsecond\n\r\n0\r\n\r\n");
    });
    ApiClient api(parse_host(daemon.url()), "1.47");
    std::vector<std::string> pieces;
    api.stream("GET", "/events", Query(), [&](std::string_view data) {
        pieces.emplace_back(data);
        release = true;  // the second chunk is only sent after the first was delivered
        return true;
    });
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_EQ(pieces[0], "first\n");
    EXPECT_EQ(pieces[1], "second\n");
}

TEST(ApiClient, HijackStreamsBothWaysAndHalfCloses) {
    std::string seen_request, stdin_data;
    FakeDaemon daemon([&](int fd, int) {
        seen_request = FakeDaemon::read_request(fd);
        FakeDaemon::send(
            fd,
            "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
            "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ");
        char buf[64];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0)
            stdin_data.append(buf, static_cast<size_t>(n));
        FakeDaemon::send(fd, "bye");  // after our half-close, output still flows
    });
    ApiClient api(parse_host(daemon.url()), "1.47");
    ResponseHead head;
    auto conn = api.hijack("/containers/x/attach", Query().add("stream", "1"), std::nullopt, head);
    EXPECT_EQ(head.status, 101);
    EXPECT_NE(seen_request.find("Connection: Upgrade\r\n"), std::string::npos);
    EXPECT_NE(seen_request.find("Upgrade: tcp\r\n"), std::string::npos);
    conn->write_all("typed input");
    conn->shutdown_write();
    std::string out;
    char buf[64];
    size_t n;
    while ((n = conn->read_some(buf, sizeof buf)) > 0) out.append(buf, n);
    EXPECT_EQ(out, "hello bye");
    EXPECT_EQ(stdin_data, "typed input");
}

TEST(ApiClient, UploadsWithChunkedEncoding) {
    std::string received;
    FakeDaemon daemon([&](int fd, int) {
        std::string data;
        char c;
        while (data.find("0\r\n\r\n") == std::string::npos && ::read(fd, &c, 1) == 1) data += c;
        received = data;
        FakeDaemon::send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"stream\":\"ok\"}");
    });
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ASSERT_EQ(::write(fds[1], "tar-bytes", 9), 9);
    ::close(fds[1]);
    ApiClient api(parse_host(daemon.url()), "1.47");
    std::string body;
    api.upload("POST", "/images/load", Query(), fds[0], "application/x-tar",
               [&](std::string_view d) {
                   body.append(d);
                   return true;
               });
    ::close(fds[0]);
    EXPECT_NE(received.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_NE(received.find("Content-Type: application/x-tar\r\n"), std::string::npos);
    EXPECT_NE(received.find("\r\n\r\n9\r\ntar-bytes\r\n0\r\n\r\n"), std::string::npos);
    EXPECT_EQ(body, R"({"stream":"ok"})");
}

}  // namespace
}  // namespace berth::client
