#pragma once
// Docker's JSON progress streams (pull, push, load, import) drawn as the docker CLI draws them
// (moby's jsonmessage.DisplayJSONMessagesStream): on a terminal, one line per layer id that is
// redrawn in place (cursor up, erase, redraw, cursor down) with a progress bar; elsewhere, plain
// status lines with the progress updates left out. An errorDetail ends the stream as an error.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "client/api_client.hpp"
#include "common/error.hpp"

namespace berth::cli {

// The error a progress stream reported (errorDetail): printed as it is, exit status 1.
class StreamError : public Error {
  public:
    StreamError(std::string message, int code)
        : Error(Errc::internal, std::move(message)), code_(code) {}
    int code() const noexcept { return code_; }

  private:
    int code_;
};

struct JsonProgress {
    int64_t current = 0, total = 0, start = 0;
    bool hide_counts = false;
    std::string units;
};

// JSONProgress.String(): "[=====>    ]  12.3MB/45.6MB 3s" for a terminal `width` columns wide
// (the bar from 111 columns, the time left from 51); `now` in Unix seconds for the time left.
std::string progress_text(const JsonProgress& p, int width, int64_t now);

struct JsonStreamOptions {
    bool terminal = false;
    // The terminal's width in columns, asked at each progress line as docker does (resizes
    // apply at once); unset: the width of `terminal_fd`, else 200.
    std::function<int()> width;
    int terminal_fd = -1;
    // Unix seconds, for the time left; unset: the clock.
    std::function<int64_t()> now;
    // Sees the "aux" member of messages that carry one (those are not printed).
    std::function<void(const client::Json&)> on_aux;
};

class JsonMessagePrinter {
  public:
    // `out` null: nothing is printed, errors still end the stream (quiet modes).
    JsonMessagePrinter(std::FILE* out, JsonStreamOptions options = {});

    // Takes the next piece of the stream; throws StreamError for an errorDetail.
    void feed(std::string_view chunk);
    // The end of the stream: a message cut short is an error, as for Go's decoder.
    void finish();

    // Options for `out` as docker's streams.Out sees it: a terminal when `out`'s fd is one.
    static JsonStreamOptions for_stream(std::FILE* out);

  private:
    void handle(const client::Json& msg);
    void display(const client::Json& msg, bool has_progress, const JsonProgress& progress);
    void write(std::string_view text);
    int width() const;

    std::FILE* out_;
    JsonStreamOptions options_;
    std::string pending_;
    std::map<std::string, unsigned> ids_;  // layer id -> its line, counted from the first
};

// Reads a whole stream (a test's recording, a daemon's body) through a printer.
void print_json_stream(std::string_view stream, std::FILE* out, JsonStreamOptions options);

}  // namespace berth::cli
