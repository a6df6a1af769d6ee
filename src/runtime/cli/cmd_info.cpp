// spec, state, list, features: commands that only print.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/container.hpp"
#include "runtime/default_spec.hpp"

namespace berth::runtime::cli {

int cmd_spec(const Global& g, const Argv& argv) {
    Args a("spec", argv, {{{"--bundle", "-b"}, true}, {{"--rootless"}, false}});
    a.require_positionals(0, 0, "[--bundle DIR] [--rootless]");
    std::string path = a.value_or("--bundle", ".") + "/config.json";
    if (path_exists(path)) throw Error(Errc::conflict, "file " + path + " exists: remove it first");
    Json spec = default_spec(a.flag("--rootless"), ::getuid(), ::getgid());
    write_file_atomic(path, spec.dump(1, '\t') + "\n", 0644);
    return 0;
}

int cmd_state(const Global& g, const Argv& argv) {
    Args a("state", argv, {});
    a.require_positionals(1, 1, "<container-id>");
    std::puts(Runtime(g.root).state(a.id()).dump(2).c_str());
    return 0;
}

int cmd_list(const Global& g, const Argv& argv) {
    Args a("list", argv, {{{"--format", "-f"}, true}, {{"--quiet", "-q"}, false}});
    auto containers = Runtime(g.root).list();
    std::string format = a.value_or("--format", "table");
    if (a.flag("--quiet")) {
        for (const auto& c : containers) std::puts(c["id"].get<std::string>().c_str());
    } else if (format == "json") {
        std::puts(Json(containers).dump().c_str());
    } else if (format == "table") {
        std::printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (const auto& c : containers) {
            std::printf("%-12s %-8d %-10s %-40s %-31s %s\n", c["id"].get<std::string>().c_str(),
                        c["pid"].get<int>(), c["status"].get<std::string>().c_str(),
                        c["bundle"].get<std::string>().c_str(), c["created"].get<std::string>().c_str(),
                        c["owner"].get<std::string>().c_str());
        }
    } else {
        throw Error(Errc::invalid_argument, "list: invalid format \"" + format + "\" (table or json)");
    }
    return 0;
}

int cmd_features(const Global& g, const Argv& argv) {
    Args a("features", argv, {});
    std::puts(features().dump(4).c_str());
    return 0;
}

}  // namespace berth::runtime::cli
