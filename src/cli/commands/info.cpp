// `berth info` / `berth system info`: Docker's human layout of GET /info, or --format.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/template/go_print.hpp"

namespace berth::cli {

namespace {

std::string str(const Json& info, const char* key) {
    auto it = info.find(key);
    if (it == info.end() || it->is_null()) return "";
    return tmpl::go_print(tmpl::Value(*it));
}

std::string capitalize(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string server_section(const Json& info) {
    std::string o;
    auto line = [&](const std::string& text) { o += text + "\n"; };
    line(" Containers: " + str(info, "Containers"));
    line("  Running: " + str(info, "ContainersRunning"));
    line("  Paused: " + str(info, "ContainersPaused"));
    line("  Stopped: " + str(info, "ContainersStopped"));
    line(" Images: " + str(info, "Images"));
    line(" Server Version: " + str(info, "ServerVersion"));
    line(" Storage Driver: " + str(info, "Driver"));
    for (const auto& pair : info.value("DriverStatus", Json::array()))
        if (pair.is_array() && pair.size() == 2)
            line("  " + pair[0].get<std::string>() + ": " + pair[1].get<std::string>());
    line(" Logging Driver: " + str(info, "LoggingDriver"));
    line(" Cgroup Driver: " + str(info, "CgroupDriver"));
    line(" Cgroup Version: " + str(info, "CgroupVersion"));
    line(" Plugins:");
    const Json plugins = info.value("Plugins", Json::object());
    for (const char* kind : {"Volume", "Network", "Authorization", "Log"}) {
        auto it = plugins.find(kind);
        if (it == plugins.end() || !it->is_array() || it->empty()) continue;
        std::string names;
        for (const auto& n : *it) names += (names.empty() ? "" : " ") + n.get<std::string>();
        line(std::string("  ") + kind + ": " + names);
    }
    line(" Swarm: " +
         (info.contains("Swarm") ? str(info["Swarm"], "LocalNodeState") : std::string("inactive")));
    std::vector<std::string> runtimes;
    const Json runtime_map = info.value("Runtimes", Json::object());
    for (const auto& [name, v] : runtime_map.items()) runtimes.push_back(name);
    std::sort(runtimes.begin(), runtimes.end());
    std::string rt;
    for (const auto& r : runtimes) rt += (rt.empty() ? "" : " ") + r;
    line(" Runtimes: " + rt);
    line(" Default Runtime: " + str(info, "DefaultRuntime"));
    line(" Init Binary: " + str(info, "InitBinary"));
    auto commit = [&](const char* key) {
        return info.contains(key) ? str(info[key], "ID") : std::string();
    };
    line(" containerd version: " + commit("ContainerdCommit"));
    line(" runc version: " + commit("RuncCommit"));
    line(" init version: " + commit("InitCommit"));
    const Json security = info.value("SecurityOptions", Json::array());
    if (!security.empty()) {
        line(" Security Options:");
        for (const auto& opt : security) {
            // "name=seccomp,profile=builtin" -> "  seccomp" / "   Profile: builtin"
            std::string text = opt.get<std::string>();
            size_t start = 0;
            while (start <= text.size()) {
                size_t comma = text.find(',', start);
                std::string kv = text.substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start);
                auto eq = kv.find('=');
                std::string k = kv.substr(0, eq),
                            v = eq == std::string::npos ? "" : kv.substr(eq + 1);
                if (k == "name")
                    line("  " + v);
                else
                    line("   " + capitalize(k) + ": " + v);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }
    line(" Kernel Version: " + str(info, "KernelVersion"));
    line(" Operating System: " + str(info, "OperatingSystem"));
    line(" OSType: " + str(info, "OSType"));
    line(" Architecture: " + str(info, "Architecture"));
    line(" CPUs: " + str(info, "NCPU"));
    line(" Total Memory: " + bytes_size(info.value("MemTotal", 0.0)));
    line(" Name: " + str(info, "Name"));
    line(" ID: " + str(info, "ID"));
    line(" Docker Root Dir: " + str(info, "DockerRootDir"));
    line(" Debug Mode: " + str(info, "Debug"));
    if (!str(info, "HttpProxy").empty()) line(" HTTP Proxy: " + str(info, "HttpProxy"));
    if (!str(info, "HttpsProxy").empty()) line(" HTTPS Proxy: " + str(info, "HttpsProxy"));
    if (!str(info, "NoProxy").empty()) line(" No Proxy: " + str(info, "NoProxy"));
    line(" Experimental: " + str(info, "ExperimentalBuild"));
    const Json labels = info.value("Labels", Json::array());
    if (!labels.empty()) {
        line(" Labels:");
        for (const auto& l : labels) line("  " + l.get<std::string>());
    }
    const Json registry = info.value("RegistryConfig", Json::object());
    std::vector<std::string> insecure;
    const Json index_configs = registry.value("IndexConfigs", Json::object());
    for (const auto& [name, index] : index_configs.items())
        if (!index.value("Secure", true)) insecure.push_back(name);
    for (const auto& cidr : registry.value("InsecureRegistryCIDRs", Json::array()))
        insecure.push_back(cidr.get<std::string>());
    if (!insecure.empty()) {
        line(" Insecure Registries:");
        for (const auto& r : insecure) line("  " + r);
    }
    const Json mirrors = registry.value("Mirrors", Json::array());
    if (!mirrors.empty()) {
        line(" Registry Mirrors:");
        for (const auto& m : mirrors) line("  " + m.get<std::string>());
    }
    line(" Live Restore Enabled: " + str(info, "LiveRestoreEnabled"));
    return o;
}

}  // namespace

int cmd_info(Cli& cli, const std::vector<std::string>& args) {
    std::string format;
    FlagSet flags("berth info", "[OPTIONS]", "Display system-wide information");
    flags.string(&format, "format", 'f', "Format output using a custom template");
    auto positional = parse_args(cli, flags, args);
    if (!positional) return 0;
    flags.require_no_args(*positional);

    Json client_info = Json::object();
    client_info["Debug"] = false;
    client_info["Version"] = BERTH_VERSION;
    client_info["Context"] = "default";
    client_info["Plugins"] = Json::array();
    client_info["Warnings"] = nullptr;

    Json info;
    std::string error;
    try {
        info = cli.api().get_json("/info");
    } catch (const std::exception& e) {
        error = describe_error(e);
    }

    if (!format.empty()) {
        Json data = info.is_object() ? info : Json::object();
        data["ClientInfo"] = client_info;
        if (!error.empty()) data["ServerErrors"] = Json::array({error});
        FormatOptions options;
        options.format = format;
        std::string out = render_rows(options, {data});
        cli.out(out);
        if (!error.empty()) throw StatusError(1, error);
        return 0;
    }

    std::string out =
        "Client:\n Version:    " BERTH_VERSION "\n Context:    default\n Debug Mode: false\n";
    out += "\nServer:\n";
    if (!error.empty()) {
        cli.out(out);
        std::fflush(stdout);
        throw StatusError(1, "ERROR: " + error + "\nerrors pretty printing info");
    }
    out += server_section(info);
    out += "\n";
    cli.out(out);
    std::fflush(stdout);
    for (const auto& w : info.value("Warnings", Json::array()))
        if (w.is_string()) cli.errln(w.get<std::string>());
    return 0;
}

}  // namespace berth::cli
