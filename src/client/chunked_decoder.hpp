#pragma once
// Incremental decoder of HTTP/1.1 chunked transfer coding: feed it bytes as they arrive and it
// hands out the payload, so streams (logs -f, events, stats) reach the caller chunk by chunk.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace berth::client {

class ChunkedDecoder {
  public:
    using Sink = std::function<void(std::string_view)>;

    // Consumes bytes from `input`; returns how many were used (less than input.size() only when
    // the body ended inside it: the rest belongs to the next response). Throws on malformed
    // framing.
    size_t feed(std::string_view input, const Sink& sink);
    bool done() const noexcept { return state_ == State::done; }

  private:
    enum class State { size_line, data, data_crlf, trailer, done };
    State state_ = State::size_line;
    std::string line_;
    size_t remaining_ = 0;
};

}  // namespace berth::client
