#include "daemon/engine_id.hpp"

#include <sys/random.h>

#include <cstdio>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::daemon {

namespace {
std::string new_uuid() {
    unsigned char b[16];
    if (::getrandom(b, sizeof b, 0) != sizeof b) throw_errno("getrandom");
    b[6] = (b[6] & 0x0f) | 0x40;  // version 4
    b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}
}  // namespace

std::string load_or_create_engine_id(const std::string& data_root) {
    const std::string path = data_root + "/engine-id";
    if (auto text = read_file_if_exists(path)) {
        std::string id = *text;
        while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
        if (id.size() == 36) return id;
    }
    std::string id = new_uuid();
    write_file_atomic(path, id + "\n", 0600);
    return id;
}

}  // namespace berth::daemon
