#include "engine/namespace_modes.hpp"

#include "common/error.hpp"
#include "engine/oci_config.hpp"

namespace berth::engine {

namespace {

// "container:<x>" with a non-empty x: x; else "".
std::string joined_container(const std::string& mode) {
    return mode.rfind("container:", 0) == 0 ? mode.substr(10) : "";
}

bool is_container_mode(const std::string& mode) {
    return !joined_container(mode).empty();
}

[[noreturn]] void invalid(const std::string& message) {
    throw Error(Errc::invalid_argument, message);
}

bool non_empty_array(const Json& hc, const char* key) {
    return hc.is_object() && hc.contains(key) && hc[key].is_array() && !hc[key].empty();
}

Json joined(const char* type, const char* ns_file, pid_t pid) {
    return {{"type", type}, {"path", "/proc/" + std::to_string(pid) + "/ns/" + ns_file}};
}

}  // namespace

std::string network_mode(const Json& hc) {
    std::string mode = json_string(hc, "NetworkMode");
    return mode.empty() || mode == "default" ? "bridge" : mode;
}

void check_namespace_modes(const Json& config, const Json& hc) {
    std::string ipc = json_string(hc, "IpcMode");
    if (!(ipc.empty() || ipc == "none" || ipc == "private" || ipc == "shareable" || ipc == "host" ||
          is_container_mode(ipc)))
        invalid("invalid IPC mode: " + ipc);
    std::string pid = json_string(hc, "PidMode");
    if (!(pid.empty() || pid == "host" || is_container_mode(pid)))
        invalid("invalid PID mode: " + pid);
    std::string uts = json_string(hc, "UTSMode");
    if (!(uts.empty() || uts == "host")) invalid("invalid UTS mode: " + uts);
    std::string cgroupns = json_string(hc, "CgroupnsMode");
    if (!(cgroupns.empty() || cgroupns == "host" || cgroupns == "private"))
        invalid("invalid cgroup namespace mode: " + cgroupns);
    std::string hostname = config.is_object() ? config.value("Hostname", "") : "";
    if (uts == "host" && !hostname.empty())
        invalid("conflicting options: hostname and the UTS mode");
    std::string net = network_mode(hc);
    if (net.rfind("container:", 0) == 0) {
        if (!is_container_mode(net)) invalid("invalid network mode: " + net);  // "container:" alone
        if (!hostname.empty()) invalid("conflicting options: hostname and the network mode");
        if (non_empty_array(hc, "Dns")) invalid("conflicting options: dns and the network mode");
        if (non_empty_array(hc, "ExtraHosts"))
            invalid("conflicting options: custom host-to-IP mapping and the network mode");
    }
}

NamespacePlan plan_namespaces(const Json& hc, bool cgroup_v2, const JoinContainer& join) {
    NamespacePlan plan;
    auto donor = [&](const char* kind, const std::string& name) -> JoinedContainer {
        if (!join) invalid(std::string("cannot join the ") + kind + " namespace of " + name);
        return join(kind, name);
    };
    Json& ns = plan.namespaces;
    ns.push_back({{"type", "mount"}});
    if (json_string(hc, "UTSMode") != "host") ns.push_back({{"type", "uts"}});

    std::string pid = json_string(hc, "PidMode");
    if (is_container_mode(pid))
        ns.push_back(joined("pid", "pid", donor("PID", joined_container(pid)).pid));
    else if (pid != "host")
        ns.push_back({{"type", "pid"}});

    plan.ipc_mode = json_string(hc, "IpcMode");
    if (is_container_mode(plan.ipc_mode)) {
        JoinedContainer d = donor("IPC", joined_container(plan.ipc_mode));
        plan.ipc_donor_dir = d.dir;
        ns.push_back(joined("ipc", "ipc", d.pid));
    } else if (plan.ipc_mode != "host") {
        ns.push_back({{"type", "ipc"}});
    }

    std::string net = network_mode(hc);
    plan.host_network = net == "host";
    if (is_container_mode(net)) {
        plan.network_donor = donor("network", joined_container(net)).pid;
        ns.push_back(joined("network", "net", plan.network_donor));
    } else if (!plan.host_network) {
        if (net != "none" && net != "bridge") {
            // User-defined networks belong to the network module; until it exists they are refused.
            throw Error(Errc::not_found, "network " + net + " not found");
        }
        ns.push_back({{"type", "network"}});
    }

    std::string cgroupns = json_string(hc, "CgroupnsMode");
    if (cgroupns == "private" || (cgroupns.empty() && cgroup_v2))
        ns.push_back({{"type", "cgroup"}});
    return plan;
}

}  // namespace berth::engine
