#include "engine/log_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <thread>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "common/json_reader.hpp"

namespace berth::engine {

namespace {

bool parse_entry(const std::string& line, LogEntry& e) {
    try {
        Json j = Json::parse(line);
        e.message = j.value("log", "");
        e.stream = j.value("stream", "stdout") == "stderr" ? 2 : 1;
        e.time = j.value("time", "");
        e.time_ns = parse_rfc3339_ns(e.time);
        if (auto a = j.find("attrs"); a != j.end() && a->is_object())
            for (auto it = a->begin(); it != a->end(); ++it)  // nlohmann's objects are key-sorted
                if (it->is_string()) e.attrs.emplace_back(it.key(), it->get<std::string>());
        return true;
    } catch (const std::exception&) {
        return false;  // a torn last line while the shim writes, or garbage: skipped
    }
}

bool wanted(const LogEntry& e, const LogReadOptions& o) {
    if (e.stream == 1 && !o.stdout_) return false;
    if (e.stream == 2 && !o.stderr_) return false;
    if (o.since_ns && e.time_ns <= o.since_ns) return false;
    if (o.until_ns && e.time_ns > o.until_ns) return false;
    return true;
}

// Reads complete lines from `in` starting at *offset; keeps a partial last line for later.
template <typename F>
bool read_lines(const std::string& path, uint64_t& offset, F&& each) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return true;
    in.seekg(static_cast<std::streamoff>(offset));
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) break;  // no newline yet: the shim is still writing it
        offset += line.size() + 1;
        if (!each(line)) return false;
    }
    return true;
}

ino_t inode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

int64_t parse_rfc3339_ns(const std::string& s) {
    int Y, M, D, h, m, sec;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &Y, &M, &D, &h, &m, &sec) != 6) return -1;
    size_t pos = 19;
    int64_t frac = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            if (digits < 9) {
                frac = frac * 10 + (s[pos] - '0');
                ++digits;
            }
            ++pos;
        }
        while (digits++ < 9) frac *= 10;
    }
    int64_t offset = 0;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = 0, om = 0;
        if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &oh, &om) < 1) return -1;
        offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    } else if (pos >= s.size() || (s[pos] != 'Z' && s[pos] != 'z')) {
        if (pos < s.size()) return -1;
    }
    tm t{};
    t.tm_year = Y - 1900;
    t.tm_mon = M - 1;
    t.tm_mday = D;
    t.tm_hour = h;
    t.tm_min = m;
    t.tm_sec = sec;
    int64_t secs = static_cast<int64_t>(::timegm(&t)) - offset;
    return secs * 1000000000LL + frac;
}

int64_t parse_log_time(const std::string& text, int64_t now_ns) {
    if (text.empty()) return 0;
    if (text.find('-') != std::string::npos && text.find('T') != std::string::npos) {
        int64_t v = parse_rfc3339_ns(text);
        if (v >= 0) return v;
    }
    // Unix seconds with an optional fraction.
    bool numeric = true;
    for (char c : text) numeric = numeric && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
    if (numeric) {
        auto dot = text.find('.');
        int64_t secs = std::stoll(text.substr(0, dot));
        int64_t nanos = 0;
        if (dot != std::string::npos) {
            std::string f = text.substr(dot + 1, 9);
            while (f.size() < 9) f += '0';
            nanos = std::stoll(f);
        }
        return secs * 1000000000LL + nanos;
    }
    // A Go duration before now: 1h30m, 10m, 45s, 500ms.
    int64_t total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (start == i) throw Error(Errc::invalid_argument, "invalid value for \"since\": " + text);
        double n = std::stod(text.substr(start, i - start));
        size_t ustart = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
        std::string unit = text.substr(ustart, i - ustart);
        double mult = unit == "h" ? 3600e9 : unit == "m" ? 60e9 : unit == "s" ? 1e9 : unit == "ms" ? 1e6 : unit == "us" ? 1e3 : unit == "ns" ? 1 : -1;
        if (mult < 0) throw Error(Errc::invalid_argument, "invalid value for \"since\": " + text);
        total += static_cast<int64_t>(n * mult);
    }
    return now_ns - total;
}

// Go's url.QueryEscape.
static std::string query_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else if (c == ' ') out += '+';
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string format_log_entry(const LogEntry& e, bool timestamps, bool details) {
    std::string out = timestamps ? e.time + " " : "";
    if (details) {
        for (size_t i = 0; i < e.attrs.size(); ++i)
            out += (i ? "," : "") + query_escape(e.attrs[i].first) + "=" + query_escape(e.attrs[i].second);
        out += ' ';
    }
    return out + e.message;
}

void read_logs(const std::string& path, const LogReadOptions& o, const std::function<bool(const LogEntry&)>& sink,
               const std::function<bool()>& running) {
    // The current file is held open from the start and read through /proc/self/fd: a
    // container removed meanwhile (docker-py's run(remove=True) removes while its follower
    // reads) takes the path, not what the reader still has to deliver, as with dockerd.
    UniqueFd held(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string current = held.get() >= 0 ? "/proc/self/fd/" + std::to_string(held.get()) : path;
    std::vector<std::string> files;
    for (int i = std::max(1, o.max_file) - 1; i >= 1; --i) files.push_back(path + "." + std::to_string(i));
    files.push_back(current);

    std::deque<LogEntry> tail;
    bool stop = false;
    auto deliver = [&](const std::string& line) {
        LogEntry e;
        if (!parse_entry(line, e) || !wanted(e, o)) return true;
        if (o.tail >= 0) {
            tail.push_back(std::move(e));
            if (static_cast<int64_t>(tail.size()) > o.tail) tail.pop_front();
            return true;
        }
        if (!sink(e)) stop = true;
        return !stop;
    };
    uint64_t offset = 0;
    for (size_t i = 0; i < files.size() && !stop; ++i) {
        uint64_t off = 0;
        read_lines(files[i], off, deliver);
        if (i + 1 == files.size()) offset = off;
    }
    for (const auto& e : tail) {
        if (!sink(e)) return;
    }
    if (stop || !o.follow) return;
    // Follow: new entries only (tail applies to what existed already).
    LogReadOptions live = o;
    live.tail = -1;
    ino_t inode = inode_of(current);
    auto deliver_live = [&](const std::string& line) {
        LogEntry e;
        if (!parse_entry(line, e) || !wanted(e, live)) return true;
        return sink(e);
    };
    for (;;) {
        bool alive = !running || running();
        ino_t now_inode = inode_of(path);
        if (now_inode != inode && now_inode != 0) {
            // Rotated: finish the old file (now <log>.1), then start the new one from the top.
            uint64_t off = offset;
            if (!read_lines(held.get() >= 0 ? current : path + ".1", off, deliver_live)) return;
            held.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
            current = held.get() >= 0 ? "/proc/self/fd/" + std::to_string(held.get()) : path;
            inode = now_inode;
            offset = 0;
        }
        if (!read_lines(current, offset, deliver_live)) return;
        if (!alive) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace berth::engine
