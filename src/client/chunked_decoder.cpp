#include "client/chunked_decoder.hpp"

#include "common/error.hpp"

namespace berth::client {

namespace {

size_t parse_chunk_size(std::string_view line) {
    // Chunk extensions (";name=value") are allowed and ignored.
    if (auto semi = line.find(';'); semi != std::string_view::npos) line = line.substr(0, semi);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty() || line.size() > 15)
        throw Error(Errc::internal, "malformed chunk size in the daemon's response");
    size_t value = 0;
    for (char c : line) {
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            throw Error(Errc::internal, "malformed chunk size in the daemon's response");
        value = value * 16 + static_cast<size_t>(digit);
    }
    return value;
}

}  // namespace

size_t ChunkedDecoder::feed(std::string_view input, const Sink& sink) {
    size_t used = 0;
    while (used < input.size() && state_ != State::done) {
        std::string_view rest = input.substr(used);
        switch (state_) {
            case State::size_line:
            case State::trailer:
            case State::data_crlf: {
                auto nl = rest.find('\n');
                std::string_view part =
                    rest.substr(0, nl == std::string_view::npos ? rest.size() : nl);
                line_.append(part);
                if (state_ == State::data_crlf &&
                    line_.find_first_not_of('\r') != std::string::npos)
                    throw Error(Errc::internal,
                                "chunk not followed by CRLF in the daemon's response");
                if (line_.size() > 4096)
                    throw Error(Errc::internal, "overlong chunk header in the daemon's response");
                if (nl == std::string_view::npos) {
                    used = input.size();
                    break;
                }
                used += nl + 1;
                if (!line_.empty() && line_.back() == '\r') line_.pop_back();
                std::string line = std::move(line_);
                line_.clear();
                if (state_ == State::data_crlf) {
                    if (!line.empty())
                        throw Error(Errc::internal,
                                    "chunk not followed by CRLF in the daemon's response");
                    state_ = State::size_line;
                } else if (state_ == State::size_line) {
                    remaining_ = parse_chunk_size(line);
                    state_ = remaining_ == 0 ? State::trailer : State::data;
                } else if (line.empty()) {  // trailer ends at an empty line
                    state_ = State::done;
                }
                break;
            }
            case State::data: {
                size_t n = std::min(remaining_, rest.size());
                if (n > 0 && sink) sink(rest.substr(0, n));
                used += n;
                remaining_ -= n;
                if (remaining_ == 0) state_ = State::data_crlf;
                break;
            }
            case State::done:
                break;
        }
    }
    return used;
}

}  // namespace berth::client
