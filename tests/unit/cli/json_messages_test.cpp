// Progress streams drawn as docker's jsonmessage draws them: a recorded pull played to a fake
// terminal of a fixed width, and to a pipe.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "cli/stream/json_messages.hpp"

namespace berth::cli {
namespace {

// A pull as dockerd streams it (two layers, one updated in place).
constexpr const char* kPull =
    R"({"status":"Pulling from library/alpine","id":"latest"})"
    "\n"
    R"({"status":"Pulling fs layer","progressDetail":{},"id":"aaa"})"
    "\n"
    R"({"status":"Pulling fs layer","progressDetail":{},"id":"bbb"})"
    "\n"
    R"({"status":"Downloading","progressDetail":{"current":1000000,"total":4000000},"progress":"[===>  ] 1MB/4MB","id":"aaa"})"
    "\n"
    R"({"status":"Download complete","progressDetail":{},"id":"aaa"})"
    "\n"
    R"({"status":"Pull complete","progressDetail":{},"id":"aaa"})"
    "\n"
    R"({"status":"Digest: sha256:abc"})"
    "\n"
    R"({"status":"Status: Downloaded newer image for alpine:latest"})"
    "\n";

// Runs `stream` through a printer writing to a memory file; returns what it wrote.
std::string render(const std::string& stream, JsonStreamOptions options,
                   std::string* error = nullptr) {
    char* buf = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&buf, &size);
    try {
        // Fed in small pieces, as a chunked body arrives.
        JsonMessagePrinter printer(out, std::move(options));
        for (size_t i = 0; i < stream.size(); i += 7)
            printer.feed(std::string_view(stream).substr(i, 7));
        printer.finish();
    } catch (const StreamError& e) {
        if (error != nullptr) *error = e.what();
    }
    std::fclose(out);
    std::string text(buf, size);
    std::free(buf);
    return text;
}

JsonStreamOptions terminal(int width) {
    JsonStreamOptions o;
    o.terminal = true;
    o.width = [width] { return width; };
    o.now = [] { return int64_t{1'700'000'000}; };
    return o;
}

TEST(JsonMessages, PlainLinesWithoutATerminal) {
    EXPECT_EQ(render(kPull, {}),
              "latest: Pulling from library/alpine\n"
              "aaa: Pulling fs layer\n"
              "bbb: Pulling fs layer\n"
              "aaa: Download complete\n"
              "aaa: Pull complete\n"
              "Digest: sha256:abc\n"
              "Status: Downloaded newer image for alpine:latest\n");
}

TEST(JsonMessages, LiveLinesOnATerminal) {
    const std::string up1 = "\x1b[1A", up2 = "\x1b[2A", down1 = "\x1b[1B", down2 = "\x1b[2B";
    const std::string erase = "\x1b[2K\r";
    std::string bar = "[" + std::string(12, '=') + ">" + std::string(38, ' ') + "] ";
    EXPECT_EQ(render(kPull, terminal(120)),
              "latest: Pulling from library/alpine\n"
              // a new layer: a new line, then up to it, draw, and back down
              "\n" +
                  up1 + erase + "aaa: Pulling fs layer \r" + down1 + "\n" + up1 + erase +
                  "bbb: Pulling fs layer \r" + down1 +
                  // aaa is two lines up now
                  up2 + erase + "aaa: Downloading " + bar + "     1MB/4MB\r" + down2 + up2 + erase +
                  "aaa: Download complete \r" + down2 + up2 + erase + "aaa: Pull complete \r" +
                  down2 +
                  "Digest: sha256:abc\n"
                  "Status: Downloaded newer image for alpine:latest\n");
}

TEST(JsonMessages, NarrowTerminalHasNoBar) {
    std::string out = render(
        R"({"status":"Downloading","progressDetail":{"current":1000000,"total":4000000},"id":"aaa"})"
        "\n",
        terminal(80));
    EXPECT_EQ(out, "\n\x1b[1A\x1b[2K\raaa: Downloading      1MB/4MB\r\x1b[1B");
}

TEST(JsonMessages, ProgressText) {
    JsonProgress p;
    EXPECT_EQ(progress_text(p, 200, 0), "");
    p.current = 1'500'000;
    EXPECT_EQ(progress_text(p, 200, 0), "   1.5MB");  // no total: the count alone
    p.total = 3'000'000;
    EXPECT_EQ(progress_text(p, 200, 0),
              "[" + std::string(25, '=') + ">" + std::string(25, ' ') + "]    1.5MB/3MB");
    EXPECT_EQ(progress_text(p, 100, 0), "   1.5MB/3MB");
    p.current = 4'000'000;  // past the total: the total is not shown
    EXPECT_EQ(progress_text(p, 100, 0), "     4MB");
    JsonProgress units;
    units.current = 3;
    units.total = 10;
    units.units = "items";
    EXPECT_EQ(progress_text(units, 100, 0), "3/10 items");
    JsonProgress hidden = units;
    hidden.hide_counts = true;
    EXPECT_EQ(progress_text(hidden, 120, 0),
              "[" + std::string(15, '=') + ">" + std::string(35, ' ') + "] ");
    // Time left: 1MB of 4MB in 10 s leaves 30 s (shown from 51 columns).
    JsonProgress timed;
    timed.current = 1'000'000;
    timed.total = 4'000'000;
    timed.start = 1000;
    EXPECT_EQ(progress_text(timed, 100, 1010), "     1MB/4MB 30s");
    EXPECT_EQ(progress_text(timed, 50, 1010), "     1MB/4MB");
}

TEST(JsonMessages, ErrorDetailEndsTheStream) {
    std::string error;
    std::string out =
        render(R"({"status":"Pulling from library/nope","id":"latest"})"
               "\n"
               R"({"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"})"
               "\n"
               R"({"status":"never printed"})"
               "\n",
               {}, &error);
    EXPECT_EQ(out, "latest: Pulling from library/nope\n");
    EXPECT_EQ(error, "manifest unknown");
}

TEST(JsonMessages, PushMessagesAndAux) {
    std::string aux;
    JsonStreamOptions o;
    o.on_aux = [&](const client::Json& a) { aux = a.dump(); };
    std::string out =
        render(R"({"status":"The push refers to repository [127.0.0.1:5000/app]"})"
               "\n"
               R"({"status":"Preparing","progressDetail":{},"id":"a1"})"
               "\n"
               R"({"status":"Pushing","progressDetail":{"current":512,"total":1024},"id":"a1"})"
               "\n"
               R"({"status":"Layer already exists","progressDetail":{},"id":"a1"})"
               "\n"
               R"({"status":"latest: digest: sha256:f00 size: 528"})"
               "\n"
               R"({"progressDetail":{},"aux":{"Tag":"latest","Digest":"sha256:f00","Size":528}})"
               "\n",
               o);
    EXPECT_EQ(out,
              "The push refers to repository [127.0.0.1:5000/app]\n"
              "a1: Preparing\n"
              "a1: Layer already exists\n"
              "latest: digest: sha256:f00 size: 528\n");
    EXPECT_EQ(aux, R"({"Tag":"latest","Digest":"sha256:f00","Size":528})");
}

TEST(JsonMessages, StreamMembersAndQuiet) {
    EXPECT_EQ(render(R"({"stream":"Loaded image: busybox:latest\n"})"
                     "\n",
                     {}),
              "Loaded image: busybox:latest\n");
    // No output at all (quiet), but the error still comes through.
    JsonMessagePrinter quiet(nullptr);
    quiet.feed(R"({"status":"x"})"
               "\n");
    EXPECT_THROW(quiet.feed(R"({"errorDetail":{"message":"m"}})"
                            "\n"),
                 StreamError);
}

TEST(JsonMessages, ACutMessageIsAnError) {
    JsonMessagePrinter printer(nullptr);
    printer.feed(R"({"status":"ok"})"
                 "\n"
                 R"({"status":"cut)");
    EXPECT_THROW(printer.finish(), Error);
}

}  // namespace
}  // namespace berth::cli
