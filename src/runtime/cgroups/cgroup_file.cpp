#include "runtime/cgroups/cgroup_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::runtime::cgroups {

namespace {

[[noreturn]] void throw_write(std::string_view value, const std::string& path, int err) {
    std::string shown(value);
    while (!shown.empty() && shown.back() == '\n') shown.pop_back();
    throw_sys("cgroup: write " + shown + " to " + path, err);
}

void write_once(int fd, std::string_view value, const std::string& path) {
    for (;;) {
        ssize_t n = ::write(fd, value.data(), value.size());
        if (n >= 0) return;  // cgroupfs consumes a command in one write
        if (errno != EINTR) throw_write(value, path, errno);
    }
}

std::vector<std::string> subdirs(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* ent = ::readdir(d)) {
        std::string name = ent->d_name;
        if (name == "." || name == "..") continue;
        if (ent->d_type == DT_DIR) {
            out.push_back(dir + "/" + name);
        } else if (ent->d_type == DT_UNKNOWN) {
            struct stat st {};
            std::string p = dir + "/" + name;
            if (::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(p);
        }
    }
    ::closedir(d);
    return out;
}

}  // namespace

void write_value(const std::string& dir, const std::string& file, std::string_view value) {
    std::string path = dir + "/" + file;
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) throw_write(value, path, errno);
    write_once(fd.get(), value, path);
}

LineWriter::LineWriter(const std::string& dir, const std::string& file) : path_(dir + "/" + file) {}

void LineWriter::write(std::string_view line) {
    std::string data(line);
    data += '\n';
    if (!fd_) {
        fd_.reset(::open(path_.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        if (!fd_) throw_write(line, path_, errno);
    }
    write_once(fd_.get(), data, path_);
}

std::string trim(std::string_view text) {
    size_t b = text.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    size_t e = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(b, e - b + 1));
}

std::vector<std::string> split_ws(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) out.emplace_back(text.substr(start, i - start));
    }
    return out;
}

std::optional<std::string> read_value(const std::string& dir, const std::string& file) {
    auto text = read_file_if_exists(dir + "/" + file);
    if (!text) return std::nullopt;
    return trim(*text);
}

std::optional<uint64_t> read_u64(const std::string& dir, const std::string& file) {
    auto text = read_value(dir, file);
    if (!text || text->empty()) return std::nullopt;
    if (*text == "max") return UINT64_MAX;
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text->c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return std::nullopt;
    return v;
}

std::map<std::string, uint64_t> read_keyed(const std::string& dir, const std::string& file) {
    std::map<std::string, uint64_t> out;
    auto text = read_file_if_exists(dir + "/" + file);
    if (!text) return out;
    size_t pos = 0;
    while (pos < text->size()) {
        size_t nl = text->find('\n', pos);
        auto words =
            split_ws(std::string_view(*text).substr(pos, nl == std::string::npos ? nl : nl - pos));
        pos = nl == std::string::npos ? text->size() : nl + 1;
        if (words.size() != 2) continue;
        char* end = nullptr;
        unsigned long long v = std::strtoull(words[1].c_str(), &end, 10);
        if (*end != '\0') continue;
        out[words[0]] = v;
    }
    return out;
}

void collect_pids(const std::string& dir, std::vector<pid_t>& out) {
    auto text = read_file_if_exists(dir + "/cgroup.procs");
    if (text) {
        for (const auto& word : split_ws(*text))
            out.push_back(static_cast<pid_t>(std::atoi(word.c_str())));
    }
    for (const auto& sub : subdirs(dir)) collect_pids(sub, out);
}

void remove_cgroup_dir(const std::string& dir) {
    for (const auto& sub : subdirs(dir)) remove_cgroup_dir(sub);
    // Tasks that were just killed keep the cgroup busy until they are reaped.
    auto delay = std::chrono::milliseconds(10);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
    for (;;) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
        int err = errno;
        if (err != EBUSY || std::chrono::steady_clock::now() >= deadline)
            throw_sys("cgroup: rmdir " + dir, err);
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(200));
    }
}

std::vector<std::string> make_levels(const std::string& base, const std::string& rel) {
    std::vector<std::string> levels;
    std::string cur = base;
    size_t pos = 0;
    while (pos < rel.size()) {
        size_t next = rel.find('/', pos);
        if (next == std::string::npos) next = rel.size();
        if (next > pos) {
            cur += "/" + rel.substr(pos, next - pos);
            if (::mkdir(cur.c_str(), 0755) < 0 && errno != EEXIST)
                throw_errno("cgroup: mkdir " + cur);
            levels.push_back(cur);
        }
        pos = next + 1;
    }
    return levels;
}

bool is_cgroup2_fs(const std::string& dir) {
    struct statfs st {};
    if (::statfs(dir.c_str(), &st) < 0) return false;
    return st.f_type == CGROUP2_SUPER_MAGIC;
}

}  // namespace berth::runtime::cgroups

namespace berth::runtime::cgroups {

namespace {
bool plain_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
           name.find('\0') == std::string::npos;
}
}  // namespace

void check_page_size(const std::string& page_size) {
    if (!plain_name(page_size) || page_size.find('.') != std::string::npos) {
        throw Error(Errc::invalid_argument,
                    "cgroup: invalid hugepage size \"" + page_size + "\" (expected e.g. 2MB)");
    }
}

void check_unified_key(const std::string& key) {
    if (!plain_name(key)) {
        throw Error(Errc::invalid_argument, "cgroup: invalid linux.resources.unified key \"" + key +
                                                "\": must be a file name without '/'");
    }
}

}  // namespace berth::runtime::cgroups
