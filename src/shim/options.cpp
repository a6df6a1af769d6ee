#include "shim/options.hpp"

#include "common/error.hpp"

namespace berth::shim {

std::vector<std::string> Options::to_args() const {
    std::vector<std::string> a = {"--id", id, "--bundle", bundle, "--root", runtime_root, "--shim-dir", shim_dir,
                                  "--log", log_path};
    if (log.max_size) a.insert(a.end(), {"--log-max-size", std::to_string(log.max_size)});
    if (log.max_file > 1) a.insert(a.end(), {"--log-max-file", std::to_string(log.max_file)});
    if (!log.attrs_json.empty()) a.insert(a.end(), {"--log-attrs", log.attrs_json});
    if (stdin_open) a.push_back("--stdin");
    if (stdin_once) a.push_back("--stdin-once");
    if (tty) a.push_back("--tty");
    if (height || width) a.insert(a.end(), {"--height", std::to_string(height), "--width", std::to_string(width)});
    if (!notify_socket.empty()) a.insert(a.end(), {"--notify", notify_socket});
    if (!runtime_binary.empty()) a.insert(a.end(), {"--runtime-binary", runtime_binary});
    if (!sealed_exec_runtime.empty()) a.insert(a.end(), {"--sealed-exec-runtime", sealed_exec_runtime});
    if (ready_fd >= 0) a.insert(a.end(), {"--ready-fd", std::to_string(ready_fd)});
    if (detach) a.push_back("--detach");
    if (nofile_soft) a.insert(a.end(), {"--nofile-soft", std::to_string(nofile_soft)});
    return a;
}

Options parse_options(const std::vector<std::string>& args) {
    Options o;
    auto number = [](const std::string& flag, const std::string& v) {
        try {
            size_t used = 0;
            long n = std::stol(v, &used);
            if (used != v.size() || n < 0) throw std::invalid_argument(v);
            return n;
        } catch (const std::exception&) {
            throw Error(Errc::invalid_argument, flag + ": expected a number, got \"" + v + "\"");
        }
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& f = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw Error(Errc::invalid_argument, f + " needs a value");
            return args[++i];
        };
        if (f == "--id") o.id = value();
        else if (f == "--bundle") o.bundle = value();
        else if (f == "--root") o.runtime_root = value();
        else if (f == "--shim-dir") o.shim_dir = value();
        else if (f == "--log") o.log_path = value();
        else if (f == "--log-max-size") o.log.max_size = parse_log_size(value());
        else if (f == "--log-max-file") o.log.max_file = static_cast<int>(number(f, value()));
        else if (f == "--log-attrs") o.log.attrs_json = value();
        else if (f == "--stdin") o.stdin_open = true;
        else if (f == "--stdin-once") o.stdin_once = true;
        else if (f == "--tty") o.tty = true;
        else if (f == "--height") o.height = static_cast<unsigned>(number(f, value()));
        else if (f == "--width") o.width = static_cast<unsigned>(number(f, value()));
        else if (f == "--notify") o.notify_socket = value();
        else if (f == "--ready-fd") o.ready_fd = static_cast<int>(number(f, value()));
        else if (f == "--detach") o.detach = true;
        else if (f == "--nofile-soft") o.nofile_soft = static_cast<unsigned long>(number(f, value()));
        else if (f == "--runtime-binary") o.runtime_binary = value();
        else if (f == "--sealed-exec-runtime") o.sealed_exec_runtime = value();
        else throw Error(Errc::invalid_argument, "unknown flag " + f);
    }
    for (auto [name, v] : {std::pair{"--id", &o.id}, {"--bundle", &o.bundle}, {"--root", &o.runtime_root},
                           {"--shim-dir", &o.shim_dir}}) {
        if (v->empty()) throw Error(Errc::invalid_argument, std::string(name) + " is required");
    }
    return o;
}

}  // namespace berth::shim
