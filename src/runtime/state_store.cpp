#include "runtime/state_store.hpp"

#include <dirent.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>

#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::runtime {

Json ContainerRecord::to_json() const {
    Json j = {{"id", id},           {"pid", pid},         {"pid_start", pid_start},
              {"creator", creator}, {"bundle", bundle},   {"rootfs", rootfs},
              {"created", created}, {"owner", owner},     {"cgroup_path", cgroup_path}, {"creator_cgroups", creator_cgroups},
              {"annotations", annotations}};
    return j;
}

ContainerRecord ContainerRecord::from_json(const Json& json, const std::string& doc) {
    JsonReader r(json, doc);
    ContainerRecord c;
    c.id = r.at("id").as_string();
    c.pid = static_cast<pid_t>(r.at("pid").as_int());
    c.pid_start = r.at("pid_start").as_uint();
    c.creator = static_cast<pid_t>(r.opt_int("creator").value_or(0));
    c.bundle = r.string_or("bundle", "");
    c.rootfs = r.string_or("rootfs", "");
    c.created = r.string_or("created", "");
    c.owner = r.string_or("owner", "");
    c.cgroup_path = r.string_or("cgroup_path", "");
    c.creator_cgroups = r.string_or("creator_cgroups", "");
    c.annotations = r.string_map("annotations");
    return c;
}

void StateStore::validate_id(const std::string& id) {
    if (id.empty()) throw Error(Errc::invalid_argument, "container id cannot be empty");
    if (id == "." || id == "..") throw Error(Errc::invalid_argument, "invalid container id \"" + id + "\"");
    if (id.size() > 1024) throw Error(Errc::invalid_argument, "container id is too long");
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '+' || c == '-' || c == '.';
        if (!ok) {
            throw Error(Errc::invalid_argument,
                        "invalid container id \"" + id + "\": use letters, digits, '_', '+', '-' and '.'");
        }
    }
}

void StateStore::create_dir(const std::string& id) const {
    validate_id(id);
    mkdir_all(root_, 0711);
    if (::mkdir(dir(id).c_str(), 0711) < 0) {
        if (errno == EEXIST) throw Error(Errc::conflict, "container \"" + id + "\" already exists");
        throw_errno("create state directory " + dir(id));
    }
}

void StateStore::save(const ContainerRecord& record) const {
    write_file_atomic(dir(record.id) + "/state.json", record.to_json().dump(), 0600, Durability::none);
}

ContainerRecord StateStore::load(const std::string& id) const {
    validate_id(id);
    auto text = read_file_if_exists(dir(id) + "/state.json");
    if (!text) {
        if (path_exists(dir(id))) {
            // create died before its first write: a record with nothing running.
            ContainerRecord c;
            c.id = id;
            return c;
        }
        throw Error(Errc::not_found, "container \"" + id + "\" does not exist");
    }
    return ContainerRecord::from_json(parse_json(*text, dir(id) + "/state.json"), dir(id) + "/state.json");
}

std::vector<std::string> StateStore::ids() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(root_.c_str());
    if (!d) {
        if (errno == ENOENT) return out;
        throw_errno("open " + root_);
    }
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.') continue;
        if (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) out.emplace_back(e->d_name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

void StateStore::remove(const std::string& id) const { remove_all(dir(id)); }

unsigned long long process_start_time(pid_t pid) {
    if (pid <= 0) return 0;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    auto text = read_file_if_exists(path);
    if (!text) return 0;
    // The command name may contain spaces and parentheses: parse after the last ')'.
    auto close = text->rfind(')');
    if (close == std::string::npos) return 0;
    const char* p = text->c_str() + close + 2;
    char state = *p;
    if (state == 'Z' || state == 'X') return 0;
    // Fields after the state: starttime is field 22 overall, the 20th after ") ".
    int field = 3;
    while (*p && field < 22) {
        if (*p == ' ') ++field;
        ++p;
    }
    return std::strtoull(p, nullptr, 10);
}

bool process_alive(pid_t pid, unsigned long long start_time) {
    if (pid <= 0) return false;
    unsigned long long now = process_start_time(pid);
    return now != 0 && (start_time == 0 || now == start_time);
}

void wait_process_gone(pid_t pid, unsigned long long start_time, int timeout_ms) {
    if (pid <= 0) return;
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) return;  // gone already (ESRCH), or no pidfds: nothing to wait for
    // Checked after opening, so the pidfd is known to be that process and not a reuse.
    if (process_alive(pid, start_time)) {
        pollfd p{fd, POLLIN, 0};
        while (::poll(&p, 1, timeout_ms) < 0 && errno == EINTR) {
        }
    }
    ::close(fd);
}

}  // namespace berth::runtime
