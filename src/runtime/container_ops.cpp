// start, kill, delete, state, list, pause/resume, update, ps, stats.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "runtime/cgroups/cgroup.hpp"
#include "runtime/container.hpp"
#include "runtime/hooks.hpp"

namespace berth::runtime {

namespace {

std::unique_ptr<cgroups::Cgroup> cgroup_of(const ContainerRecord& rec) {
    // The record holds the resolved path: open it as an absolute cgroupsPath.
    return cgroups::open(rec.cgroup_path, rec.id, rec.creator_cgroups);
}

std::optional<Spec> load_spec(const StateStore& store, const std::string& id) {
    auto text = read_file_if_exists(store.dir(id) + "/config.json");
    if (!text) return std::nullopt;
    return parse_spec(*text, store.dir(id) + "/config.json");
}

bool wait_gone(pid_t pid, unsigned long long start, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (process_alive(pid, start)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace

const char* status_name(Status s) {
    switch (s) {
        case Status::creating: return "creating";
        case Status::created: return "created";
        case Status::running: return "running";
        case Status::paused: return "paused";
        case Status::stopped: return "stopped";
    }
    return "unknown";
}

Json oci_state(const ContainerRecord& rec, Status status) {
    Json j = {{"ociVersion", "1.2.0"}, {"id", rec.id}, {"status", status_name(status)}, {"bundle", rec.bundle}};
    if (status != Status::stopped && rec.pid > 0) j["pid"] = rec.pid;
    if (!rec.annotations.empty()) j["annotations"] = rec.annotations;
    return j;
}

Status Runtime::status(const ContainerRecord& rec) {
    if (rec.pid == 0) {
        return rec.creator > 0 && process_alive(rec.creator, 0) ? Status::creating : Status::stopped;
    }
    if (!process_alive(rec.pid, rec.pid_start)) return Status::stopped;
    if (path_exists(store_.dir(rec.id) + "/exec.fifo")) return Status::created;
    try {
        if (cgroup_of(rec)->frozen()) return Status::paused;
    } catch (const Error&) {
    }
    return Status::running;
}

Json Runtime::state(const std::string& id) {
    auto rec = store_.load(id);
    return oci_state(rec, status(rec));
}

std::vector<Json> Runtime::list() {
    std::vector<Json> out;
    for (const auto& id : store_.ids()) {
        try {
            auto rec = store_.load(id);
            Status s = status(rec);
            out.push_back({{"ociVersion", "1.2.0"},
                           {"id", rec.id},
                           {"pid", s == Status::stopped ? 0 : rec.pid},
                           {"status", status_name(s)},
                           {"bundle", rec.bundle},
                           {"rootfs", rec.rootfs},
                           {"created", rec.created},
                           {"owner", rec.owner.empty() ? "root" : rec.owner},
                           {"annotations", rec.annotations}});
        } catch (const Error&) {
            // A record being removed right now: skip it.
        }
    }
    return out;
}

ContainerRecord Runtime::load_running(const std::string& id, const char* action) {
    auto rec = store_.load(id);
    Status s = status(rec);
    if (s == Status::stopped || s == Status::creating) {
        throw Error(Errc::conflict, std::string("cannot ") + action + " container \"" + id + "\": it is " + status_name(s));
    }
    return rec;
}

void Runtime::start(const std::string& id) {
    auto rec = store_.load(id);
    Status s = status(rec);
    if (s != Status::created) {
        throw Error(Errc::conflict, "cannot start container \"" + id + "\": it is " + status_name(s) +
                                        (s == Status::stopped ? "" : ", not created"));
    }
    std::string fifo_path = store_.dir(id) + "/exec.fifo";
    UniqueFd fifo(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo) throw_errno("open " + fifo_path);
    // The init is blocked opening the fifo for writing; our open released it. Wait for its byte.
    for (;;) {
        pollfd p{fifo.get(), POLLIN, 0};
        int n = ::poll(&p, 1, 100);
        if (n > 0) {
            char c;
            if (::read(fifo.get(), &c, 1) == 1) break;
        }
        if (!process_alive(rec.pid, rec.pid_start)) {
            throw Error(Errc::internal, "container \"" + id + "\" exited before it could start");
        }
    }
    ::unlink(fifo_path.c_str());
    if (auto spec = load_spec(store_, id)) {
        run_hooks(spec->hooks.poststart, oci_state(rec, Status::running).dump(), "poststart");
    }
}

void Runtime::kill(const std::string& id, int signal, bool all) {
    auto rec = load_running(id, "kill");
    if (all) {
        for (pid_t p : cgroup_of(rec)->pids()) ::kill(p, signal);
        return;
    }
    if (::kill(rec.pid, signal) < 0) throw_errno("kill container \"" + id + "\"");
}

void Runtime::destroy(const ContainerRecord& rec, const Spec* given_spec, cgroups::Cgroup* given_cgroup,
                      bool emptied) {
    std::optional<Spec> loaded;
    const Spec* spec = given_spec;
    if (!spec) {
        loaded = load_spec(store_, rec.id);
        if (loaded) spec = &*loaded;
    }
    try {
        std::unique_ptr<cgroups::Cgroup> opened;
        cgroups::Cgroup* cg = given_cgroup;
        if (!cg) {
            opened = cgroup_of(rec);
            cg = opened.get();
        }
        // Nothing of the container may survive it: kill whatever is left in its cgroup.
        for (int round = 0; !emptied && round < 50; ++round) {
            auto pids = cg->pids();
            if (pids.empty()) break;
            if (round == 0 && cg->frozen()) cg->thaw();
            for (pid_t p : pids) ::kill(p, SIGKILL);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        cg->destroy();
    } catch (const Error& e) {
        if (e.code() != Errc::not_found) throw;
    }
    if (spec) {
        try {
            run_hooks(spec->hooks.poststop, oci_state(rec, Status::stopped).dump(), "poststop");
        } catch (const Error& e) {
            // poststop failures are logged, never fatal (runtime-spec).
            std::fprintf(stderr, "berth-runtime: warning: %s\n", e.what());
        }
    }
    store_.remove(rec.id);
}

void Runtime::remove(const std::string& id, bool force) {
    auto rec = store_.load(id);
    Status s = status(rec);
    if ((s == Status::running || s == Status::paused || s == Status::creating) && !force) {
        throw Error(Errc::conflict, "cannot delete container \"" + id + "\" that is not stopped: " + status_name(s));
    }
    if (s != Status::stopped) {
        if (s == Status::paused) cgroup_of(rec)->thaw();
        pid_t target = rec.pid > 0 ? rec.pid : rec.creator;
        ::kill(target, SIGKILL);
        if (!wait_gone(target, rec.pid > 0 ? rec.pid_start : 0, std::chrono::seconds(10))) {
            throw Error(Errc::unavailable, "container \"" + id + "\" did not die after SIGKILL");
        }
    }
    destroy(rec);
}

void Runtime::pause(const std::string& id) {
    auto rec = load_running(id, "pause");
    if (status(rec) != Status::running) throw Error(Errc::conflict, "container \"" + id + "\" is not running");
    cgroup_of(rec)->freeze();
}

void Runtime::resume(const std::string& id) {
    auto rec = load_running(id, "resume");
    if (status(rec) != Status::paused) throw Error(Errc::conflict, "container \"" + id + "\" is not paused");
    cgroup_of(rec)->thaw();
}

void Runtime::update(const std::string& id, const Resources& resources) {
    auto rec = load_running(id, "update");
    cgroup_of(rec)->apply(resources);
}

std::vector<pid_t> Runtime::pids(const std::string& id) {
    auto rec = store_.load(id);
    if (status(rec) == Status::stopped) return {};
    return cgroup_of(rec)->pids();
}

Json Runtime::stats(const std::string& id) {
    auto rec = load_running(id, "get stats of");
    return cgroup_of(rec)->stats();
}

}  // namespace berth::runtime
