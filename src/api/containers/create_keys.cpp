#include "api/containers/create_keys.hpp"

#include "api/json_keys.hpp"

namespace berth::api {

void canonicalize_container_config(Json& body) {
    canonicalize_keys(body, {"Hostname", "Domainname", "User", "AttachStdin", "AttachStdout",
                             "AttachStderr", "ExposedPorts", "Tty", "OpenStdin", "StdinOnce", "Env",
                             "Cmd", "Healthcheck", "ArgsEscaped", "Image", "Volumes", "WorkingDir",
                             "Entrypoint", "NetworkDisabled", "MacAddress", "OnBuild", "Labels",
                             "StopSignal", "StopTimeout", "Shell", "HostConfig", "NetworkingConfig"});
    if (auto h = body.find("Healthcheck"); h != body.end())
        canonicalize_keys(*h, {"Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"});
}

void canonicalize_resources(Json& object) {
    canonicalize_keys(object, {"CpuShares", "Memory", "NanoCpus", "CgroupParent", "BlkioWeight",
                               "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
                               "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuPeriod", "CpuQuota",
                               "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetCpus", "CpusetMems",
                               "Devices", "DeviceCgroupRules", "DeviceRequests", "KernelMemory",
                               "KernelMemoryTCP", "MemoryReservation", "MemorySwap", "MemorySwappiness",
                               "OomKillDisable", "PidsLimit", "Ulimits", "CpuCount", "CpuPercent",
                               "IOMaximumIOps", "IOMaximumBandwidth"});
}

void canonicalize_update_request(Json& body) {
    canonicalize_resources(body);
    canonicalize_keys(body, {"RestartPolicy"});
    if (auto r = body.find("RestartPolicy"); r != body.end()) canonicalize_keys(*r, {"Name", "MaximumRetryCount"});
}

void canonicalize_create_request(Json& body) {
    canonicalize_container_config(body);
    auto hc = body.find("HostConfig");
    if (hc == body.end() || !hc->is_object()) return;
    canonicalize_keys(*hc, {"Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings",
                            "RestartPolicy", "AutoRemove", "VolumeDriver", "VolumesFrom",
                            "ConsoleSize", "Annotations", "CapAdd", "CapDrop", "CgroupnsMode", "Dns",
                            "DnsOptions", "DnsSearch", "ExtraHosts", "GroupAdd", "IpcMode", "Cgroup",
                            "Links", "OomScoreAdj", "PidMode", "Privileged", "PublishAllPorts",
                            "ReadonlyRootfs", "SecurityOpt", "StorageOpt", "Tmpfs", "UTSMode",
                            "UsernsMode", "ShmSize", "Sysctls", "Runtime", "Isolation", "Mounts",
                            "MaskedPaths", "ReadonlyPaths", "Init"});
    // Resources is embedded in HostConfig: its members sit at the same level.
    canonicalize_resources(*hc);
    if (auto r = hc->find("RestartPolicy"); r != hc->end()) canonicalize_keys(*r, {"Name", "MaximumRetryCount"});
    if (auto l = hc->find("LogConfig"); l != hc->end()) canonicalize_keys(*l, {"Type", "Config"});
}

}  // namespace berth::api
