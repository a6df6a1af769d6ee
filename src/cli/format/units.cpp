#include "cli/format/units.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/error.hpp"

namespace berth::cli {

namespace {

std::string custom_size(double size, double base, const char* const* units, int count,
                        const char* fmt, int precision) {
    int i = 0;
    while (size >= base && i < count - 1) {
        size /= base;
        ++i;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, precision, size);
    return std::string(buf) + units[i];
}

constexpr const char* kDecimal[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
constexpr const char* kBinary[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

// go-units parseSize, step by step, so the errors are its errors: the number runs to the last
// digit, dot or space; the suffix is b, or k/m/g/t/p with an optional "b" or "ib".
int64_t parse_size(std::string_view text, bool binary) {
    const std::string whole(text);
    size_t sep = whole.find_last_of("0123456789. ");
    if (sep == std::string::npos)
        throw Error(Errc::invalid_argument, "invalid size: '" + whole + "'");
    std::string num = whole[sep] == ' ' ? whole.substr(0, sep) : whole.substr(0, sep + 1);
    std::string sfx = whole.substr(sep + 1);
    char* end = nullptr;
    double size = num.empty() ? 0 : std::strtod(num.c_str(), &end);
    if (num.empty() || end != num.c_str() + num.size() ||
        num.find_first_not_of("0123456789.") != std::string::npos)
        throw Error(Errc::invalid_argument,
                    "strconv.ParseFloat: parsing \"" + num + "\": invalid syntax");
    if (sfx.empty()) return static_cast<int64_t>(size);
    for (char& c : sfx) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto bad_suffix = [&]() {
        return Error(Errc::invalid_argument, "invalid suffix: '" + sfx + "'");
    };
    if (sfx.size() > 3) throw bad_suffix();
    if (sfx[0] == 'b') {
        if (sfx.size() > 1) throw bad_suffix();
        return static_cast<int64_t>(size);
    }
    const char* units = "kmgtp";
    const char* unit = std::strchr(units, sfx[0]);
    if (unit == nullptr || sfx[0] == '\0') throw bad_suffix();
    size *= std::pow(binary ? 1024.0 : 1000.0, static_cast<double>(unit - units + 1));
    if ((sfx.size() == 2 && sfx[1] != 'b') || (sfx.size() == 3 && sfx.substr(1) != "ib"))
        throw bad_suffix();
    return static_cast<int64_t>(size);
}

}  // namespace

std::string human_size(double bytes, int precision) {
    return custom_size(bytes, 1000.0, kDecimal, 9, "%.*g", precision);
}

std::string bytes_size(double bytes) {
    return custom_size(bytes, 1024.0, kBinary, 9, "%.*g", 4);
}

int64_t ram_in_bytes(std::string_view text) {
    return parse_size(text, true);
}
int64_t from_human_size(std::string_view text) {
    return parse_size(text, false);
}

}  // namespace berth::cli
