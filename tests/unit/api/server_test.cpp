// The HTTP server over a real unix socket: keep-alive, chunked streams that do not block
// other requests, hijacked connections, request bodies, socket file handling and shutdown.
#include "api/server/server.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "common/error.hpp"

namespace berth::api {
namespace {

using namespace std::chrono_literals;

class Client {
  public:
    explicit Client(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("connect failed");
    }
    ~Client() { ::close(fd_); }
    void send(const std::string& s) {
        ASSERT_EQ(::write(fd_, s.data(), s.size()), (ssize_t)s.size());
    }
    // Reads until `until` appears in what was read (or EOF / timeout); returns everything read.
    std::string read_until(const std::string& until, std::chrono::milliseconds timeout = 3s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (buf_.find(until) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
            char tmp[4096];
            ssize_t n = ::read(fd_, tmp, sizeof tmp);
            if (n <= 0) break;
            buf_.append(tmp, static_cast<size_t>(n));
        }
        auto pos = buf_.find(until);
        std::string out = pos == std::string::npos ? buf_ : buf_.substr(0, pos + until.size());
        buf_.erase(0, out.size());
        return out;
    }
    bool eof(std::chrono::milliseconds timeout = 3s) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
        char c;
        return ::read(fd_, &c, 1) == 0;
    }
    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  private:
    int fd_;
    std::string buf_;
};

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = std::filesystem::temp_directory_path() /
              ("berth-api-test-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir);
        sock = (dir / "run" / "api.sock").string();
        mux.add({"GET", "/fast", [](Context&) { return Response::text(200, "fast"); }});
        mux.add({"GET", "/stream", [this](Context& c) {
                     auto& out = c.stream();
                     out.write("{\"n\":1}\n");
                     release.get_future().wait();
                     out.write("{\"n\":2}\n");
                     return Response{};
                 }});
        mux.add({"GET", "/wait-gone", [this](Context& c) {
                     auto& out = c.stream();
                     out.write("x");
                     while (!out.wait_client_gone(50ms)) {
                     }
                     gone = true;
                     return Response{};
                 }});
        mux.add({"POST", "/echo", [](Context& c) {
                     std::string got;
                     char buf[7];  // small on purpose: many read_body calls
                     while (size_t n = c.read_body(buf, sizeof buf)) got.append(buf, n);
                     return Response::text(200, got);
                 }});
        mux.add({"POST", "/hijack", [](Context& c) {
                     auto raw = c.hijack("application/vnd.docker.raw-stream");
                     char buf[256];
                     while (size_t n = raw->read_some(buf, sizeof buf)) {
                         std::string s(buf, n);
                         for (auto& ch : s) ch = static_cast<char>(std::toupper(ch));
                         raw->write_all(s);
                     }
                     raw->write_all("BYE");
                     raw->close_write();
                     return Response{};
                 }});
    }
    void TearDown() override {
        server.reset();
        std::filesystem::remove_all(dir);
    }
    void start() {
        server = std::make_unique<Server>(mux);
        server->listen(parse_listen_address("unix://" + sock));
        server->start();
    }

    std::filesystem::path dir;
    std::string sock;
    Mux mux;
    std::promise<void> release;
    std::atomic<bool> gone{false};
    std::unique_ptr<Server> server;
};

TEST_F(ServerTest, SocketModeAndParentDir) {
    start();
    struct stat st {};
    ASSERT_EQ(::stat(sock.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    ASSERT_EQ(::stat((dir / "run").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0711u);
}

TEST_F(ServerTest, KeepAlive) {
    start();
    Client c(sock);
    c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    auto first = c.read_until("fast");
    EXPECT_NE(first.find("HTTP/1.1 200 OK"), std::string::npos);
    EXPECT_NE(first.find("Api-Version: 1.47"), std::string::npos);
    EXPECT_NE(first.find("Content-Length: 4"), std::string::npos);
    c.send("GET /v1.47/nope HTTP/1.1\r\nHost: x\r\n\r\n");
    auto second = c.read_until("page not found\"}\n");
    EXPECT_NE(second.find("HTTP/1.1 404"), std::string::npos);
    EXPECT_NE(second.find("Content-Type: application/json"), std::string::npos);
}

TEST_F(ServerTest, StreamDoesNotBlockOthers) {
    start();
    Client streamer(sock);
    streamer.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head = streamer.read_until("{\"n\":1}\n\r\n");
    EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_NE(head.find("8\r\n{\"n\":1}\n\r\n"), std::string::npos);

    Client other(sock);
    other.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(other.read_until("fast", 2s).find("fast"), std::string::npos);

    release.set_value();
    auto rest = streamer.read_until("0\r\n\r\n");
    EXPECT_EQ(rest, "8\r\n{\"n\":2}\n\r\n0\r\n\r\n");
    // The connection stays usable after a finished stream.
    streamer.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(streamer.read_until("fast").find("200 OK"), std::string::npos);
}

TEST_F(ServerTest, StreamNoticesClientGone) {
    start();
    {
        Client c(sock);
        c.send("GET /wait-gone HTTP/1.1\r\nHost: x\r\n\r\n");
        c.read_until("x\r\n");
    }
    for (int i = 0; i < 100 && !gone; ++i) std::this_thread::sleep_for(20ms);
    EXPECT_TRUE(gone);
}

TEST_F(ServerTest, ChunkedRequestBody) {
    start();
    Client c(sock);
    c.send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    auto r = c.read_until("hello world");
    EXPECT_NE(r.find("Content-Length: 11"), std::string::npos) << r;
}

TEST_F(ServerTest, ExpectContinue) {
    start();
    Client c(sock);
    c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_NE(c.read_until("\r\n\r\n").find("100 Continue"), std::string::npos);
    c.send("abc");
    EXPECT_NE(c.read_until("abc").find("200 OK"), std::string::npos);
}

TEST_F(ServerTest, HijackWithUpgrade) {
    start();
    Client c(sock);
    // Bytes sent right behind the request must reach the handler too.
    c.send(
        "POST /hijack HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
        "Content-Length: 0\r\n\r\nearly ");
    auto head = c.read_until("\r\n\r\n");
    EXPECT_EQ(head.rfind("HTTP/1.1 101 UPGRADED\r\n", 0), 0u) << head;
    EXPECT_NE(head.find("Connection: Upgrade"), std::string::npos);
    EXPECT_NE(head.find("Upgrade: tcp"), std::string::npos);
    EXPECT_NE(head.find("Content-Type: application/vnd.docker.raw-stream"), std::string::npos);
    EXPECT_EQ(c.read_until("EARLY "), "EARLY ");
    c.send("late");
    EXPECT_EQ(c.read_until("LATE"), "LATE");
    c.shutdown_write();
    EXPECT_EQ(c.read_until("BYE"), "BYE");
    EXPECT_TRUE(c.eof());
}

TEST_F(ServerTest, HijackWithoutUpgradeIs200) {
    start();
    Client c(sock);
    c.send("POST /hijack HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c.read_until("\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);
}

TEST_F(ServerTest, StaleSocketReplacedLiveRefused) {
    std::filesystem::create_directories(dir / "run");
    {
        // A socket file nobody listens on, as a killed daemon leaves it.
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        ::close(fd);
    }
    start();
    Client(sock).send("GET /fast HTTP/1.1\r\n\r\n");
    Server second(mux);
    try {
        second.listen(parse_listen_address("unix://" + sock));
        FAIL() << "a live socket was replaced";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict);
        EXPECT_NE(std::string(e.what()).find("already listening"), std::string::npos);
    }
}

TEST_F(ServerTest, NotASocketRefused) {
    std::filesystem::create_directories(dir / "run");
    { std::ofstream(sock) << "data"; }
    Server s(mux);
    EXPECT_THROW(s.listen(parse_listen_address("unix://" + sock)), Error);
    EXPECT_TRUE(std::filesystem::exists(sock));
}

TEST_F(ServerTest, StopRemovesSocketAndEndsStreams) {
    start();
    Client c(sock);
    c.send("GET /wait-gone HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_until("x\r\n");
    EXPECT_TRUE(server->stop(3s));
    EXPECT_FALSE(std::filesystem::exists(sock));
    EXPECT_TRUE(gone);
}

TEST_F(ServerTest, InsecureTcpNeedsConsent) {
    Server s(mux);
    EXPECT_THROW(s.listen(parse_listen_address("tcp://127.0.0.1:0")), Error);
}

TEST(ListenAddress, Forms) {
    EXPECT_EQ(parse_listen_address("unix://").path, "/run/berth/berthd.sock");
    EXPECT_EQ(parse_listen_address("unix:///tmp/x.sock").path, "/tmp/x.sock");
    auto t = parse_listen_address("tcp://127.0.0.1:2375");
    EXPECT_EQ(t.kind, ListenAddress::Kind::tcp);
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 2375);
    EXPECT_EQ(parse_listen_address("tcp://:2376").host, "0.0.0.0");
    EXPECT_THROW(parse_listen_address("tcp://host"), Error);
    EXPECT_THROW(parse_listen_address("tcp://host:99999"), Error);
    EXPECT_THROW(parse_listen_address("fd://"), Error);
    EXPECT_THROW(parse_listen_address("unix://relative"), Error);
}

}  // namespace
}  // namespace berth::api
