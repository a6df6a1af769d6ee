#include "runtime/seccomp/program_cache.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <optional>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"

namespace berth::runtime::seccomp {
namespace {

constexpr char kMagic[] = "berth-seccomp-program 1\n";
constexpr size_t kMaxEntry = 4u << 20;

void add_list(std::string& out, const std::vector<std::string>& items) {
    for (const auto& i : items) out += i + ",";
    out += "\n";
}

uint64_t fnv1a64(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

template <typename T>
void put(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
bool take(std::string_view& in, T& value) {
    if (in.size() < sizeof value) return false;
    std::memcpy(&value, in.data(), sizeof value);
    in.remove_prefix(sizeof value);
    return true;
}

std::string encode(const std::string& key, const Program& p) {
    std::string out = kMagic;
    put<uint64_t>(out, key.size());
    out += key;
    put<uint32_t>(out, p.flags);
    put<uint64_t>(out, p.filter.size());
    out.append(reinterpret_cast<const char*>(p.filter.data()), p.filter.size() * sizeof(sock_filter));
    return out;
}

std::optional<Program> decode(std::string_view in, const std::string& key) {
    if (in.substr(0, sizeof kMagic - 1) != kMagic) return std::nullopt;
    in.remove_prefix(sizeof kMagic - 1);
    uint64_t key_size = 0, count = 0;
    if (!take(in, key_size) || key_size != key.size() || in.substr(0, key_size) != key) return std::nullopt;
    in.remove_prefix(key_size);
    Program p;
    if (!take(in, p.flags) || !take(in, count)) return std::nullopt;
    // BPF_MAXINSNS is 4096; anything else is not an entry this code wrote.
    if (count == 0 || count > 4096 || in.size() != count * sizeof(sock_filter)) return std::nullopt;
    p.filter.resize(count);
    std::memcpy(p.filter.data(), in.data(), in.size());
    return p;
}

// The entry's bytes, when it is a regular file owned by us and writable by nobody else.
std::optional<std::string> read_entry(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return std::nullopt;
    struct stat st{};
    if (::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 022) != 0 ||
        st.st_size <= 0 || static_cast<size_t>(st.st_size) > kMaxEntry) {
        return std::nullopt;
    }
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < data.size()) {
        ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        got += static_cast<size_t>(n);
    }
    return data;
}

}  // namespace

std::string canonical_text(const Seccomp& c) {
    std::string out = "default " + c.default_action + " ";
    out += c.default_errno_ret ? std::to_string(*c.default_errno_ret) : "-";
    out += "\narch ";
    add_list(out, c.architectures);
    out += "flags ";
    add_list(out, c.flags);
    out += "listener " + c.listener_path + " " + c.listener_metadata + "\n";
    for (const auto& s : c.syscalls) {
        out += "rule " + s.action + " ";
        out += s.errno_ret ? std::to_string(*s.errno_ret) : "-";
        out += " ";
        add_list(out, s.names);
        for (const auto& a : s.args) {
            out += "arg " + std::to_string(a.index) + " " + std::to_string(a.value) + " " + std::to_string(a.value_two) +
                   " " + a.op + "\n";
        }
    }
    return out;
}

Program compile_cached(const Seccomp& config, const std::string& cache_dir) {
    if (cache_dir.empty()) return compile(config);
    const scmp_version* v = seccomp_version();
    utsname u{};
    ::uname(&u);
    std::string key = "libseccomp " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                      std::to_string(v->micro) + "\nkernel " + u.release + " " + u.machine + "\n" + canonical_text(config);
    char name[32];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(fnv1a64(key)));
    std::string path = cache_dir + "/" + name;
    if (auto data = read_entry(path)) {
        if (auto program = decode(*data, key)) return *program;
    }
    Program program = compile(config);
    if (program.empty()) return program;
    try {
        mkdir_all(cache_dir, 0700);
        write_file_atomic(path, encode(key, program), 0600, Durability::none);
    } catch (const Error&) {
        // A read-only or full state root: the container still starts, only uncached.
    }
    return program;
}

}  // namespace berth::runtime::seccomp
