#include "client/stdcopy.hpp"

#include "common/error.hpp"

namespace berth::client {

void StdcopyDecoder::feed(std::string_view data) {
    while (!data.empty()) {
        if (remaining_ == 0) {
            size_t need = 8 - header_.size();
            size_t take = std::min(need, data.size());
            header_.append(data.substr(0, take));
            data.remove_prefix(take);
            if (header_.size() < 8) return;
            auto byte = [&](size_t i) { return static_cast<uint8_t>(header_[i]); };
            uint8_t type = byte(0);
            if (type > 3)
                throw Error(Errc::internal, "unrecognized stream type " + std::to_string(type) +
                                                " in the daemon's stream");
            current_ = static_cast<StdStream>(type);
            remaining_ = (uint32_t{byte(4)} << 24) | (uint32_t{byte(5)} << 16) |
                         (uint32_t{byte(6)} << 8) | uint32_t{byte(7)};
            header_.clear();
            if (remaining_ == 0) continue;
        }
        size_t take = std::min<size_t>(remaining_, data.size());
        std::string_view payload = data.substr(0, take);
        data.remove_prefix(take);
        remaining_ -= static_cast<uint32_t>(take);
        if (current_ == StdStream::systemerr) {
            systemerr_.append(payload);
            if (remaining_ == 0) throw Error(Errc::internal, systemerr_);
            continue;
        }
        sink_(current_, payload);
    }
}

std::string stdcopy_frame(StdStream stream, std::string_view payload) {
    std::string frame(8, '\0');
    auto size = static_cast<uint32_t>(payload.size());
    frame[0] = static_cast<char>(stream);
    frame[4] = static_cast<char>((size >> 24) & 0xff);
    frame[5] = static_cast<char>((size >> 16) & 0xff);
    frame[6] = static_cast<char>((size >> 8) & 0xff);
    frame[7] = static_cast<char>(size & 0xff);
    frame.append(payload);
    return frame;
}

}  // namespace berth::client
