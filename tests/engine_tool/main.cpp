// berth-engine-tool --root DIR --exec-root DIR COMMAND ...: drives berth_engine without a
// daemon, for integration tests. Each invocation is a short-lived "daemon": it restores the
// records (reconciling with live shims), does one thing, and exits; containers stay with
// their shims.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "engine/container_manager.hpp"
#include "image/archive_busybox.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_service.hpp"
#include "image/image_store.hpp"
#include "state/database.hpp"
#include "storage/layer_store.hpp"
#include "storage/snapshotter.hpp"

using namespace berth;

namespace {

const char* kUsage = R"(usage: berth-engine-tool [--root DIR] [--exec-root DIR] COMMAND [ARGS]
  busybox                          build busybox:latest into the data root
  create [--name N] JSON           ContainerCreateRequest; prints the id
  run [--name N] JSON              create + start; prints the id
  start|inspect|stop|pause|unpause|restart ID
  kill ID [SIGNAL]  wait ID [CONDITION]  rm [-f] ID  rename ID NAME
  logs [-t] [--tail N] [--since T] ID
  ps [-a]  top ID  stats ID  diff ID  export ID > tar
  exec ID CMD...                   runs attached, copies stdout/stderr, exits with its code
  restore                          reconcile and print what was repaired
)";

struct PrintEvents : engine::EventSink {
    void emit(const std::string& type, const std::string& action, const std::string& id,
              const std::map<std::string, std::string>& attrs) override {
        if (!std::getenv("BERTH_ENGINE_EVENTS")) return;
        std::fprintf(stderr, "event %s %s %s", type.c_str(), action.c_str(), id.substr(0, 12).c_str());
        for (auto& [k, v] : attrs) std::fprintf(stderr, " %s=%s", k.c_str(), v.c_str());
        std::fprintf(stderr, "\n");
    }
};

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

// Copies a shim stream (multiplexed frames) to stdout/stderr.
void copy_stream(int fd, bool tty) {
    std::string buf;
    char chunk[32768];
    ssize_t n;
    while ((n = ::read(fd, chunk, sizeof chunk)) > 0) {
        if (tty) {
            (void)!::write(1, chunk, static_cast<size_t>(n));
            continue;
        }
        buf.append(chunk, static_cast<size_t>(n));
        while (buf.size() >= 8) {
            uint32_t size = (uint32_t(uint8_t(buf[4])) << 24) | (uint32_t(uint8_t(buf[5])) << 16) | (uint32_t(uint8_t(buf[6])) << 8) | uint8_t(buf[7]);
            if (buf.size() < 8 + size) break;
            (void)!::write(buf[0] == 2 ? 2 : 1, buf.data() + 8, size);
            buf.erase(0, 8 + size);
        }
    }
}

int run(std::vector<std::string> args) {
    std::string root = "/var/lib/berth", exec_root = "/run/berth";
    while (args.size() >= 2 && (args[0] == "--root" || args[0] == "--exec-root")) {
        (args[0] == "--root" ? root : exec_root) = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    mkdir_all(root, 0711);
    state::Database db(root + "/berth.db");
    image::ContentStore content(root);
    image::ImageStore images(db);
    storage::LayerStore layers(root);
    storage::Snapshotter snaps(layers, root);
    image::ImageService service(content, images);
    std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "busybox") {
        image::LeaseManager leases;
        image::ArchiveTargets t{content, images, &leases, [&](const image::Digest& chain, const image::Digest& diff,
                                                               const std::optional<image::Digest>& parent, int fd) {
                                    return layers.unpack(chain, diff, parent, fd).size;
                                }};
        std::cout << image::build_busybox_image(t).str() << "\n";
        return 0;
    }
    PrintEvents events;
    engine::ManagerOptions mo;
    mo.data_root = root;
    mo.exec_root = exec_root;
    mo.shim_path = env_or("BERTH_SHIM", BERTH_SHIM_PATH);
    mo.init_path = env_or("BERTH_INIT", BERTH_INIT_PATH);
    mo.runtime_cli_path = env_or("BERTH_RUNTIME", BERTH_RUNTIME_PATH);
    mo.events = &events;
    mo.db = &db;
    mo.images = &service;
    mo.image_store = &images;
    mo.snapshotter = &snaps;
    engine::ContainerManager m(mo);
    auto repaired = m.restore();
    auto arg = [&](size_t i) -> const std::string& {
        if (i >= args.size()) throw Error(Errc::invalid_argument, cmd + ": missing argument");
        return args[i];
    };
    if (cmd == "restore") {
        for (auto& r : repaired) std::cout << r << "\n";
    } else if (cmd == "create" || cmd == "run") {
        std::string name;
        if (!args.empty() && args[0] == "--name") {
            name = arg(1);
            args.erase(args.begin(), args.begin() + 2);
        }
        auto r = m.create(parse_json(arg(0), "request"), name);
        if (cmd == "run") m.start(r.id);
        std::cout << r.id << "\n";
    } else if (cmd == "start") {
        m.start(arg(0));
    } else if (cmd == "inspect") {
        std::cout << m.inspect(arg(0)).dump(2) << "\n";
    } else if (cmd == "stop") {
        m.stop(arg(0), args.size() > 1 ? std::stoi(args[1]) : -1);
    } else if (cmd == "restart") {
        m.restart(arg(0));
    } else if (cmd == "pause") {
        m.pause(arg(0));
    } else if (cmd == "unpause") {
        m.unpause(arg(0));
    } else if (cmd == "kill") {
        m.kill(arg(0), args.size() > 1 ? args[1] : "SIGKILL");
    } else if (cmd == "wait") {
        auto r = m.wait(arg(0), args.size() > 1 ? args[1] : "not-running");
        std::cout << r.status_code << "\n";
    } else if (cmd == "rm") {
        bool force = !args.empty() && args[0] == "-f";
        m.remove(arg(force ? 1 : 0), force);
    } else if (cmd == "rename") {
        m.rename(arg(0), arg(1));
    } else if (cmd == "logs") {
        engine::LogReadOptions o;
        bool ts = false;
        size_t i = 0;
        for (; i + 1 < args.size(); ++i) {
            if (args[i] == "-t") ts = true;
            else if (args[i] == "-f") o.follow = true;
            else if (args[i] == "--tail") o.tail = std::stoll(args[++i]);
            else if (args[i] == "--since") o.since_ns = engine::parse_log_time(args[++i], 0);
            else break;
        }
        m.logs(arg(i), o, [&](const engine::LogEntry& e) {
            std::string line = engine::format_log_entry(e, ts);
            (void)!::write(e.stream == 2 ? 2 : 1, line.data(), line.size());
            return true;
        });
    } else if (cmd == "ps") {
        engine::ListOptions o;
        o.all = !args.empty() && args[0] == "-a";
        for (auto& c : m.list(o)) std::cout << c["Id"].get<std::string>().substr(0, 12) << " " << c["Names"][0].get<std::string>() << " " << c["State"].get<std::string>() << " " << c["Status"].get<std::string>() << "\n";
    } else if (cmd == "top") {
        std::cout << m.top(arg(0)).dump() << "\n";
    } else if (cmd == "stats") {
        std::cout << m.stats(arg(0)).dump() << "\n";
    } else if (cmd == "diff") {
        for (auto& c : m.changes(arg(0))) std::cout << "CAD"[c["Kind"].get<int>()] << " " << c["Path"].get<std::string>() << "\n";
    } else if (cmd == "export") {
        m.export_rootfs(arg(0), 1);
    } else if (cmd == "exec") {
        std::vector<std::string> cmdline(args.begin() + 1, args.end());
        auto id = m.exec_create(arg(0), {{"Cmd", cmdline}, {"AttachStdout", true}, {"AttachStderr", true}});
        auto s = m.exec_start(id, {});
        copy_stream(s.fd.get(), s.tty);
        for (int i = 0; i < 100; ++i) {
            auto j = m.exec_inspect(id);
            if (!j["Running"].get<bool>()) return j["ExitCode"].is_null() ? 126 : j["ExitCode"].get<int>();
            ::usleep(10000);
        }
        return 126;
    } else {
        std::cerr << kUsage;
        return 2;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const Error& e) {
        std::fprintf(stderr, "Error response from daemon: %s\n", e.what());
        return e.code() == Errc::not_found ? 1 : 125;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "berth-engine-tool: %s\n", e.what());
        return 125;
    }
}
