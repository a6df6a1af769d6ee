#include "shim/json_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/error.hpp"
#include "common/time_format.hpp"

namespace berth::shim {

namespace {

// Length of a valid UTF-8 sequence at s (0 when invalid), so invalid bytes become U+FFFD
// and the line stays valid JSON for every reader.
size_t utf8_length(const unsigned char* s, size_t left) {
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
    else return 0;
    if (left < n) return 0;
    for (size_t i = 1; i < n; ++i) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return n;
}

// Escapes as Go's encoding/json does (<, >, & as \u003c...), which Docker's json-file uses.
void append_escaped(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t size = s.size();
    for (size_t i = 0; i < size;) {
        unsigned char c = p[i];
        if (c >= 0x80) {
            size_t n = utf8_length(p + i, size - i);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(s.data() + i, n);
                i += n;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
}

}  // namespace

uint64_t parse_log_size(const std::string& text) {
    if (text.empty()) throw Error(Errc::invalid_argument, "invalid log size: empty");
    size_t end = 0;
    uint64_t n = 0;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') n = n * 10 + (text[end++] - '0');
    if (end == 0) throw Error(Errc::invalid_argument, "invalid log size: " + text);
    std::string unit = text.substr(end);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit == "" || unit == "b") return n;
    if (unit == "k" || unit == "kb") return n * 1024;
    if (unit == "m" || unit == "mb") return n * 1024 * 1024;
    if (unit == "g" || unit == "gb") return n * 1024 * 1024 * 1024;
    throw Error(Errc::invalid_argument, "invalid log size: " + text);
}

void append_json_log_line(std::string& out, std::string_view message, std::string_view stream, const timespec& ts,
                          std::string_view attrs_json) {
    out += "{\"log\":\"";
    append_escaped(out, message);
    out += "\",\"stream\":\"";
    out += stream;
    if (!attrs_json.empty()) {
        out += "\",\"attrs\":";
        out += attrs_json;
        out += ",\"time\":\"";
    } else {
        out += "\",\"time\":\"";
    }
    out += format_rfc3339_nano(ts);
    out += "\"}\n";
}

JsonFileLog::JsonFileLog(std::string path, LogOptions options) : path_(std::move(path)), options_(options) {
    if (options_.max_file < 1) options_.max_file = 1;
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!fd_) throw_errno("open log " + path_);
    struct stat st {};
    if (::fstat(fd_.get(), &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
}

void JsonFileLog::write(int stream, std::string_view data) {
    std::string& buf = pending_[stream == 2 ? 2 : 1];
    buf.append(data);
    size_t start = 0;
    for (;;) {
        size_t nl = buf.find('\n', start);
        if (nl == std::string::npos) break;
        // A newline-terminated line longer than the limit goes out in pieces too.
        while (nl + 1 - start > kMaxLogLine) {
            emit(stream, std::string_view(buf).substr(start, kMaxLogLine));
            start += kMaxLogLine;
        }
        emit(stream, std::string_view(buf).substr(start, nl + 1 - start));
        start = nl + 1;
    }
    while (buf.size() - start >= kMaxLogLine) {
        emit(stream, std::string_view(buf).substr(start, kMaxLogLine));
        start += kMaxLogLine;
    }
    buf.erase(0, start);
}

void JsonFileLog::flush(int stream) {
    std::string& buf = pending_[stream == 2 ? 2 : 1];
    if (!buf.empty()) emit(stream, buf);
    buf.clear();
}

void JsonFileLog::emit(int stream, std::string_view message) {
    if (options_.max_size > 0 && size_ >= options_.max_size) rotate();
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    std::string line;
    line.reserve(message.size() + 80);
    append_json_log_line(line, message, stream == 2 ? "stderr" : "stdout", ts, options_.attrs_json);
    // One write per entry (O_APPEND): a reader never sees half an entry of a whole line.
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(fd_.get(), p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // a full disk must not take the container down: drop the entry
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    size_ += line.size();
}

void JsonFileLog::rotate() {
    if (options_.max_file <= 1) {
        if (::ftruncate(fd_.get(), 0) == 0) size_ = 0;
        return;
    }
    for (int i = options_.max_file - 1; i > 1; --i) {
        std::string from = path_ + "." + std::to_string(i - 1), to = path_ + "." + std::to_string(i);
        ::rename(from.c_str(), to.c_str());
    }
    std::string first = path_ + ".1";
    ::rename(path_.c_str(), first.c_str());
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0640));
    size_ = 0;
}

}  // namespace berth::shim
