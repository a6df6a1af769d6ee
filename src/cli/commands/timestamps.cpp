#include "cli/commands/timestamps.hpp"

#include <cstdio>
#include <ctime>

#include "cli/format/display.hpp"
#include "cli/format/units.hpp"
#include "common/error.hpp"

namespace berth::cli {

std::string api_timestamp(const std::string& value, int64_t now) {
    if (value.empty()) return value;
    if (now < 0) now = now_unix();
    if (value != "0") {
        try {
            int64_t ns = parse_go_duration(value);
            return std::to_string(now - ns / 1'000'000'000);
        } catch (const Error&) {
        }
    }
    bool numeric = value.find_first_not_of("0123456789.") == std::string::npos;
    if (numeric) return value;
    std::string text = value;
    // Date only, or date-time without a zone: Docker reads them in local time; we read UTC when
    // no zone is given, which is what a daemon in a container sees anyway.
    if (text.size() == 10)
        text += "T00:00:00Z";
    else if (text.find('Z') == std::string::npos && text.find('+', 19) == std::string::npos &&
             text.rfind('-') < 10)
        text += "Z";
    try {
        int64_t ns = parse_rfc3339_nano(text);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(ns / 1'000'000'000),
                      static_cast<long long>(ns % 1'000'000'000));
        return buf;
    } catch (const Error&) {
        throw Error(Errc::invalid_argument,
                    "failed to parse value as time or duration: \"" + value + "\"");
    }
}

}  // namespace berth::cli
