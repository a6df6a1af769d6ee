#include "daemon/pidfile.hpp"

#include <sys/types.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::daemon {

namespace {
std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// The running process's name, empty if there is no such process.
std::string process_name(pid_t pid) {
    auto comm = read_file_if_exists("/proc/" + std::to_string(pid) + "/comm");
    return comm ? trim(*comm) : std::string{};
}
}  // namespace

PidFile::PidFile(std::string path) : path_(std::move(path)) {
    if (auto text = read_file_if_exists(path_)) {
        std::string s = trim(*text);
        pid_t pid = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
        // Only a live *berthd* blocks us: after a reboot the pid may belong to anything.
        if (ec == std::errc{} && p == s.data() + s.size() && pid > 0 && pid != ::getpid() &&
            process_name(pid) == "berthd") {
            throw Error(Errc::conflict, "pid file " + path_ + " names a running berthd (pid " + s +
                                            "); stop it first, or use another --pidfile");
        }
    }
    mkdir_all(std::filesystem::path(path_).parent_path().string(), 0711);
    write_file_atomic(path_, std::to_string(::getpid()) + "\n", 0644, Durability::none);
    owned_ = true;
}

PidFile::~PidFile() {
    remove();
}

void PidFile::remove() {
    if (!owned_) return;
    owned_ = false;
    auto text = read_file_if_exists(path_);
    if (text && trim(*text) == std::to_string(::getpid())) ::unlink(path_.c_str());
}

}  // namespace berth::daemon
