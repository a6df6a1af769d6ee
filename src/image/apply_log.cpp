#include "image/apply_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::image {

namespace {

std::string times_field(const timespec& t) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld.%09ld", static_cast<long long>(t.tv_sec), t.tv_nsec);
    return buf;
}

}  // namespace

std::string escape_field(std::string_view s) {
    if (s.empty()) return "%";
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        if (c > 0x20 && c < 0x7f && c != '%') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string unescape_field(std::string_view s) {
    if (s == "%") return "";
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        auto digit = [](char c) {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            throw Error(Errc::invalid_argument, "bad escape in apply log");
        };
        if (i + 2 >= s.size()) throw Error(Errc::invalid_argument, "bad escape in apply log");
        out += static_cast<char>(digit(s[i + 1]) * 16 + digit(s[i + 2]));
        i += 2;
    }
    return out;
}

ApplyLog::ApplyLog(std::string path, const std::string& base) : path_(std::move(path)) {
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600));
    if (!fd_) throw_errno("create " + path_);
    append("B " + escape_field(base));
}

ApplyLog::~ApplyLog() {
    if (!changed_ && !removed_) ::unlink(path_.c_str());
}

void ApplyLog::append(const std::string& line) {
    std::string data = line + "\n";
    ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n != static_cast<ssize_t>(data.size())) {
        if (n >= 0) errno = ENOSPC;
        throw_errno("write " + path_);
    }
    ++records_;
}

void ApplyLog::aside(const std::string& name, bool failed) {
    changed_ = true;
    append(std::string(failed ? "A- " : "A ") + escape_field(name));
}

void ApplyLog::dir_times(const std::string& rel, const struct stat& st) {
    changed_ = true;
    append("T " + escape_field(rel) + " " + times_field(st.st_atim) + " " +
           times_field(st.st_mtim));
}

void ApplyLog::meta(const std::string& rel, const struct stat& st,
                    const std::vector<std::pair<std::string, std::string>>& xattrs) {
    changed_ = true;
    std::string line = "P " + escape_field(rel) + " " + std::to_string(st.st_uid) + " " +
                       std::to_string(st.st_gid) + " " + std::to_string(st.st_mode & 07777) +
                       " " + times_field(st.st_atim) + " " + times_field(st.st_mtim) + " " +
                       std::to_string(xattrs.size());
    for (const auto& [n, v] : xattrs) line += " " + escape_field(n) + " " + escape_field(v);
    append(line);
}

size_t ApplyLog::creating(const std::string& dir_rel, const std::string& name) {
    changed_ = true;
    size_t index = records_;
    append("C " + escape_field(dir_rel) + " " + escape_field(name));
    return index;
}

void ApplyLog::undone(size_t index) {
    std::string line = "D " + std::to_string(index);
    append(line);
    --records_;  // D records are not counted: the reader does not index them
}

void ApplyLog::moving(const std::string& aside, const std::string& dir_rel,
                      const std::string& name, uint64_t seq) {
    changed_ = true;
    append("M " + escape_field(aside) + " " + escape_field(dir_rel) + " " + escape_field(name) +
           " " + std::to_string(seq));
}

void ApplyLog::committing() {
    changed_ = true;
    append("K");
}

void ApplyLog::remove() {
    if (removed_) return;
    if (::unlink(path_.c_str()) < 0 && errno != ENOENT) throw_errno("remove " + path_);
    removed_ = true;
}

ApplyLogContents read_apply_log(const std::string& path) {
    ApplyLogContents out;
    std::string text = read_file(path);
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) break;  // torn last record
        std::string_view line(text.data() + pos, nl - pos);
        pos = nl + 1;
        ApplyLogRecord r;
        size_t start = 0;
        bool first = true;
        while (start <= line.size()) {
            size_t sp = line.find(' ', start);
            if (sp == std::string_view::npos) sp = line.size();
            std::string_view tok = line.substr(start, sp - start);
            if (first) {
                r.kind = std::string(tok);
                first = false;
            } else {
                r.fields.push_back(unescape_field(tok));
            }
            start = sp + 1;
        }
        if (r.kind == "D" && r.fields.size() == 1) {
            out.undone.insert(static_cast<size_t>(std::strtoull(r.fields[0].c_str(), nullptr, 10)));
            continue;
        }
        if (r.kind == "K") out.committed = true;
        if (out.records.empty()) {
            if (r.kind != "B" || r.fields.size() != 1)
                throw Error(Errc::invalid_argument, path + ": not an apply log");
            out.base = r.fields[0];
        }
        out.records.push_back(std::move(r));
    }
    if (out.records.empty()) throw Error(Errc::invalid_argument, path + ": empty apply log");
    return out;
}

}  // namespace berth::image
