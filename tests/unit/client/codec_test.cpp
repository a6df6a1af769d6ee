// Pure pieces of the client: chunked decoding, stdcopy framing, URLs and filters, response
// heads, host parsing, version negotiation, daemon error bodies.
#include <gtest/gtest.h>

#include "client/api_version.hpp"
#include "client/chunked_decoder.hpp"
#include "client/errors.hpp"
#include "client/host.hpp"
#include "client/http_message.hpp"
#include "client/query.hpp"
#include "client/stdcopy.hpp"

namespace berth::client {
namespace {

std::string decode_all(const std::string& input, size_t piece, size_t* used_total = nullptr) {
    ChunkedDecoder d;
    std::string out;
    size_t used = 0;
    for (size_t i = 0; i < input.size() && !d.done(); i += piece) {
        used += d.feed(std::string_view(input).substr(i, piece),
                       [&](std::string_view s) { out.append(s); });
    }
    EXPECT_TRUE(d.done());
    if (used_total) *used_total = used;
    return out;
}

TEST(ChunkedDecoder, WholeAndByteByByte) {
    const std::string body = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
    EXPECT_EQ(decode_all(body, body.size()), "hello, world");
    EXPECT_EQ(decode_all(body, 1), "hello, world");
    EXPECT_EQ(decode_all(body, 3), "hello, world");
}

TEST(ChunkedDecoder, ExtensionsTrailersHexAndLeftover) {
    std::string body =
        "A;name=x\r\n0123456789\r\nf\r\n0123456789abcde\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
    size_t used = 0;
    EXPECT_EQ(decode_all(body, body.size(), &used), "01234567890123456789abcde");
    EXPECT_EQ(body.substr(used), "NEXT");
}

TEST(ChunkedDecoder, RejectsMalformed) {
    ChunkedDecoder d;
    EXPECT_THROW(d.feed("zz\r\n", nullptr), Error);
    ChunkedDecoder e;
    EXPECT_THROW(e.feed("2\r\nabX", [](std::string_view) {}), Error);
}

TEST(Stdcopy, DemultiplexesSplitFrames) {
    std::string stream =
        stdcopy_frame(StdStream::stdout_, "out1\n") + stdcopy_frame(StdStream::stderr_, "err\n") +
        stdcopy_frame(StdStream::stdout_, "") + stdcopy_frame(StdStream::stdout_, "out2");
    for (size_t piece : {size_t{1}, size_t{3}, size_t{8}, stream.size()}) {
        std::string out, err;
        StdcopyDecoder d([&](StdStream s, std::string_view data) {
            (s == StdStream::stderr_ ? err : out).append(data);
        });
        for (size_t i = 0; i < stream.size(); i += piece)
            d.feed(std::string_view(stream).substr(i, piece));
        EXPECT_EQ(out, "out1\nout2");
        EXPECT_EQ(err, "err\n");
        EXPECT_TRUE(d.at_boundary());
    }
}

TEST(Stdcopy, HeaderIsBigEndianWithZeroPadding) {
    std::string frame = stdcopy_frame(StdStream::stderr_, std::string(0x10203, 'x'));
    ASSERT_EQ(frame.size(), 8u + 0x10203);
    EXPECT_EQ(frame[0], 2);
    EXPECT_EQ(frame[1], 0);
    EXPECT_EQ(frame[2], 0);
    EXPECT_EQ(frame[3], 0);
    EXPECT_EQ(static_cast<unsigned char>(frame[4]), 0x00);
    EXPECT_EQ(static_cast<unsigned char>(frame[5]), 0x01);
    EXPECT_EQ(static_cast<unsigned char>(frame[6]), 0x02);
    EXPECT_EQ(static_cast<unsigned char>(frame[7]), 0x03);
}

TEST(Stdcopy, SystemErrAndUnknownStreamsThrow) {
    StdcopyDecoder d([](StdStream, std::string_view) {});
    EXPECT_THROW(d.feed(stdcopy_frame(StdStream::systemerr, "boom")), Error);
    StdcopyDecoder e([](StdStream, std::string_view) {});
    std::string bad = stdcopy_frame(StdStream::stdout_, "x");
    bad[0] = 9;
    EXPECT_THROW(e.feed(bad), Error);
}

TEST(Query, EscapesAndOrders) {
    Query q;
    q.add("name", "a b/c")
        .flag("all", true)
        .flag("size", false)
        .add("filters", R"({"x":{"y":true}})");
    EXPECT_EQ(q.str(), "?name=a%20b%2Fc&all=1&filters=%7B%22x%22%3A%7B%22y%22%3Atrue%7D%7D");
    EXPECT_EQ(Query().str(), "");
    EXPECT_EQ(path_escape("library/busybox:1.36"), "library/busybox%3A1.36");
    EXPECT_EQ(url_escape("a~b-c_d.e"), "a~b-c_d.e");
}

TEST(Filters, DockerJsonShape) {
    Filters f;
    f.add_arg("status=exited");
    f.add_arg("status=running");
    f.add_arg("label=a=b");
    EXPECT_EQ(f.to_json(), R"({"label":{"a=b":true},"status":{"exited":true,"running":true}})");
    EXPECT_THROW(f.add_arg("novalue"), Error);
}

TEST(HttpMessage, SerializesRequests) {
    Request r;
    r.method = "POST";
    r.target = "/v1.47/containers/create?name=x";
    r.body = "{}";
    std::string text = serialize_head(r, "berth") + r.body;
    EXPECT_EQ(
        text,
        "POST /v1.47/containers/create?name=x HTTP/1.1\r\nHost: berth\r\nUser-Agent: berth-cli\r\n"
        "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    Request g;
    EXPECT_EQ(serialize_head(g, "h"), "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: berth-cli\r\n\r\n");
    Request s;
    s.method = "POST";
    s.body_fd = 0;
    EXPECT_NE(serialize_head(s, "h").find("Transfer-Encoding: chunked\r\n"), std::string::npos);
}

TEST(HttpMessage, ParsesHeads) {
    ResponseHead head;
    parse_status_line("HTTP/1.1 101 UPGRADED", head);
    EXPECT_EQ(head.status, 101);
    EXPECT_EQ(head.reason, "UPGRADED");
    parse_status_line("HTTP/1.0 204 ", head);
    EXPECT_EQ(head.status, 204);
    parse_header_line("Api-Version:  1.45 ", head);
    parse_header_line("transfer-encoding: gzip, Chunked", head);
    parse_header_line("Connection: close", head);
    EXPECT_EQ(head.header("API-VERSION").value(), "1.45");
    EXPECT_TRUE(head.chunked());
    EXPECT_FALSE(head.keep_alive());
    EXPECT_FALSE(head.content_length().has_value());
    EXPECT_THROW(parse_status_line("HTTX/1.1 200 OK", head), Error);
    EXPECT_THROW(parse_header_line("no colon", head), Error);
}

TEST(Host, ParsesAddresses) {
    Host u = parse_host("unix:///run/berth/berthd.sock");
    EXPECT_EQ(u.kind, Host::Kind::unix_socket);
    EXPECT_EQ(u.path, "/run/berth/berthd.sock");
    Host t = parse_host("tcp://127.0.0.1:2376");
    EXPECT_EQ(t.kind, Host::Kind::tcp);
    EXPECT_EQ(t.address, "127.0.0.1");
    EXPECT_EQ(t.port, 2376);
    EXPECT_EQ(t.header_host(), "127.0.0.1:2376");
    EXPECT_EQ(parse_host("tcp://example").port, 2375);
    Host v6 = parse_host("tcp://[::1]:99");
    EXPECT_EQ(v6.address, "::1");
    EXPECT_EQ(v6.port, 99);
    EXPECT_EQ(parse_host("/tmp/x.sock").url, "unix:///tmp/x.sock");
    EXPECT_THROW(parse_host("ssh://x"), Error);
    EXPECT_THROW(parse_host("tcp://h:99999"), Error);
    EXPECT_THROW(parse_host("unix://"), Error);
}

TEST(Host, FlagThenEnvironmentThenDefault) {
    ::unsetenv("BERTH_HOST");
    EXPECT_EQ(choose_host(""), std::string(kDefaultHost));
    ::setenv("BERTH_HOST", "tcp://1.2.3.4:5", 1);
    EXPECT_EQ(choose_host(""), "tcp://1.2.3.4:5");
    EXPECT_EQ(choose_host("unix:///x"), "unix:///x");
    ::unsetenv("BERTH_HOST");
}

TEST(ApiVersion, NegotiatesTheLower) {
    EXPECT_EQ(negotiate_api_version("1.47"), "1.47");
    EXPECT_EQ(negotiate_api_version("1.50"), "1.47");
    EXPECT_EQ(negotiate_api_version("1.41"), "1.41");
    EXPECT_EQ(negotiate_api_version(""), "1.24");
    EXPECT_LT(compare_api_versions("1.9", "1.10"), 0);
    EXPECT_EQ(compare_api_versions("1.40", "1.40"), 0);
}

TEST(Errors, DaemonMessagesAndCodes) {
    EXPECT_EQ(message_from_body(R"({"message":"No such container: x"})", 404),
              "No such container: x");
    EXPECT_EQ(message_from_body("plain text\n", 500), "plain text");
    EXPECT_EQ(message_from_body("", 502), "request failed with status 502");
    EXPECT_EQ(DaemonError(409, "conflict").code(), Errc::conflict);
    EXPECT_EQ(DaemonError(404, "x").code(), Errc::not_found);
    EXPECT_EQ(DaemonError(400, "x").code(), Errc::invalid_argument);
    EXPECT_EQ(DaemonError(503, "x").code(), Errc::unavailable);
    EXPECT_EQ(DaemonError(500, "x").code(), Errc::internal);
    ConnectError c("unix:///run/berth/berthd.sock", "No such file or directory");
    EXPECT_STREQ(c.what(),
                 "Cannot connect to the berth daemon at unix:///run/berth/berthd.sock. Is berthd "
                 "running? Start "
                 "it with: berthd");
}

}  // namespace
}  // namespace berth::client
