#include "common/time_format.hpp"

#include <cstdio>

namespace berth {

std::string format_rfc3339_nano(const timespec& ts) {
    tm t{};
    ::gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.tm_year + 1900, t.tm_mon + 1,
                          t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
    if (ts.tv_nsec > 0) {
        char frac[24];
        std::snprintf(frac, sizeof frac, ".%09ld", static_cast<long>(ts.tv_nsec));
        int len = 10;
        while (len > 1 && frac[len - 1] == '0') --len;
        frac[len] = '\0';
        n += std::snprintf(buf + n, sizeof buf - n, "%s", frac);
    }
    std::snprintf(buf + n, sizeof buf - n, "Z");
    return buf;
}

std::string rfc3339_nano_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return format_rfc3339_nano(ts);
}

}  // namespace berth
