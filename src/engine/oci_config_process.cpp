// process: args (Path + Args), env, cwd, user, tty, rlimits (Ulimits), oomScoreAdj, caps.
#include <sys/resource.h>

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "engine/container_config.hpp"
#include "engine/oci_config.hpp"

namespace berth::engine {

namespace {

constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string rlimit_name(const std::string& docker_name) {
    static const char* known[] = {"as",     "core",    "cpu",     "data",  "fsize",  "locks",
                                  "memlock", "msgqueue", "nice",  "nofile", "nproc", "rss",
                                  "rtprio", "rttime",  "sigpending", "stack"};
    std::string lower = docker_name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(std::begin(known), std::end(known), lower) == std::end(known)) {
        throw Error(Errc::invalid_argument, "invalid ulimit type: " + docker_name);
    }
    std::string upper = "RLIMIT_";
    for (char c : lower) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper;
}

}  // namespace

std::vector<std::string> process_env(const Json& config, const std::string& hostname) {
    std::vector<std::string> env;
    auto user_env = json_strings(config, "Env");
    bool has_path = std::any_of(user_env.begin(), user_env.end(), [](const std::string& e) { return e.starts_with("PATH="); });
    if (!has_path) env.push_back(kDefaultPath);
    env.push_back("HOSTNAME=" + hostname);
    if (json_bool(config, "Tty")) env.push_back("TERM=xterm");
    return merge_env(env, user_env);
}

Json oci_process(const OciInputs& in, const std::vector<std::string>& caps) {
    const Json& c = in.config;
    const Json& hc = in.host_config;
    auto [path, args] = command_of(c);
    if (path.empty()) throw Error(Errc::invalid_argument, "No command specified");
    std::vector<std::string> argv;
    if (json_bool(hc, "Init")) {
        argv = {"/sbin/docker-init", "--"};
    }
    argv.push_back(path);
    argv.insert(argv.end(), args.begin(), args.end());

    Json p;
    p["terminal"] = json_bool(c, "Tty");
    if (p["terminal"] && hc.is_object() && hc.contains("ConsoleSize") && hc["ConsoleSize"].is_array() &&
        hc["ConsoleSize"].size() == 2 && hc["ConsoleSize"][0].is_number() && hc["ConsoleSize"][0].get<int64_t>() > 0) {
        p["consoleSize"] = {{"height", hc["ConsoleSize"][0]}, {"width", hc["ConsoleSize"][1]}};
    }
    Json user = {{"uid", in.user.uid}, {"gid", in.user.gid}};
    if (!in.user.additional_gids.empty()) user["additionalGids"] = in.user.additional_gids;
    p["user"] = user;
    p["args"] = argv;
    std::string host_name = container_hostname(in);
    auto env = process_env(c, host_name);
    // HOME from the user's passwd entry unless set, as Docker does.
    if (std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.starts_with("HOME="); })) {
        env.push_back("HOME=" + in.user.home);
    }
    p["env"] = env;
    std::string cwd = json_string(c, "WorkingDir");
    p["cwd"] = cwd.empty() ? "/" : cwd;
    // A non-root user gets the bounding set only; effective/permitted would make it root-like.
    Json capset = caps;
    Json empty = Json::array();
    p["capabilities"] = {{"bounding", capset},
                         {"effective", in.user.uid == 0 ? capset : empty},
                         {"permitted", in.user.uid == 0 ? capset : empty}};
    auto sec = parse_security_options(hc);
    p["noNewPrivileges"] = sec.no_new_privileges;
    if (hc.is_object() && hc.contains("OomScoreAdj") && hc["OomScoreAdj"].is_number() &&
        hc["OomScoreAdj"].get<int64_t>() != 0) {
        int64_t adj = hc["OomScoreAdj"].get<int64_t>();
        if (adj < -1000 || adj > 1000) {
            throw Error(Errc::invalid_argument, "Invalid value " + std::to_string(adj) +
                                                    ", range for oom score adj is [-1000, 1000]");
        }
        p["oomScoreAdj"] = adj;
    }
    Json rlimits = Json::array();
    if (hc.is_object() && hc.contains("Ulimits") && hc["Ulimits"].is_array()) {
        for (const auto& u : hc["Ulimits"]) {
            std::string name = json_string(u, "Name");
            int64_t soft = json_int(u, "Soft"), hard = json_int(u, "Hard");
            check_ulimit(name, soft, hard);
            rlimits.push_back({{"type", rlimit_name(name)}, {"soft", soft}, {"hard", hard}});
        }
    }
    if (!rlimits.empty()) p["rlimits"] = rlimits;
    return p;
}

void check_ulimit(const std::string& name, int64_t soft, int64_t hard) {
    (void)rlimit_name(name);
    if (soft > hard) {
        throw Error(Errc::invalid_argument, "ulimit soft limit must be less than or equal to hard limit: " +
                                                std::to_string(soft) + " > " + std::to_string(hard));
    }
}

}  // namespace berth::engine
