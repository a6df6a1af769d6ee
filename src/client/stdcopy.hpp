#pragma once
// Docker's multiplexed stream framing (stdcopy): each frame is an 8-byte header — stream type
// (0 stdin, 1 stdout, 2 stderr, 3 systemerr), three zero bytes, a big-endian uint32 length —
// then that many payload bytes. Containers without a TTY speak it on attach, logs and exec;
// with a TTY the stream is raw. The decoder is incremental: frames may split anywhere.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace berth::client {

enum class StdStream : uint8_t { stdin_ = 0, stdout_ = 1, stderr_ = 2, systemerr = 3 };

class StdcopyDecoder {
  public:
    using Sink = std::function<void(StdStream, std::string_view)>;

    explicit StdcopyDecoder(Sink sink) : sink_(std::move(sink)) {}
    // Throws internal for an unknown stream type; a systemerr frame throws with its text, as
    // it is the daemon's report of a failure mid-stream.
    void feed(std::string_view data);
    // True when no partial frame is pending (a stream may end only there).
    bool at_boundary() const { return header_.empty() && remaining_ == 0; }

  private:
    Sink sink_;
    std::string header_;
    uint32_t remaining_ = 0;
    StdStream current_ = StdStream::stdout_;
    std::string systemerr_;
};

// One frame, for tests and for anything that must produce the framing.
std::string stdcopy_frame(StdStream stream, std::string_view payload);

}  // namespace berth::client
