#include "engine/blkio_settings.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "engine/errno_text.hpp"
#include "runtime/cgroups/layout.hpp"

namespace berth::engine {

namespace cg = runtime::cgroups;

const char* const kBlkioDeviceKeys[5] = {"BlkioWeightDevice", "BlkioDeviceReadBps",
                                         "BlkioDeviceWriteBps", "BlkioDeviceReadIOps",
                                         "BlkioDeviceWriteIOps"};

const cg::BlkioSupport& host_blkio() {
    static const cg::BlkioSupport support = [] {
        try {
            return cg::probe_blkio(cg::discover("/sys/fs/cgroup"));
        } catch (const std::exception&) {
            return cg::BlkioSupport{};  // no cgroups to speak of: nothing is supported
        }
    }();
    return support;
}

namespace {

bool has_entries(const Json& r, const char* key) {
    return r.is_object() && r.contains(key) && r[key].is_array() && !r[key].empty();
}

// moby stats the path and takes st_rdev; a path that is no block device would only fail
// later, as a kernel error at start, so it is refused here with the path in the message.
std::pair<int64_t, int64_t> device_numbers(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw Error(Errc::invalid_argument,
                    go_errno_text("stat " + path + ": " + std::strerror(errno)));
    }
    if (!S_ISBLK(st.st_mode)) {
        throw Error(Errc::invalid_argument, "invalid device path " + path + ": not a block device");
    }
    return {major(st.st_rdev), minor(st.st_rdev)};
}

std::string path_of(const Json& entry) {
    return entry.is_object() && entry.contains("Path") && entry["Path"].is_string()
               ? entry["Path"].get<std::string>()
               : "";
}

Json throttle_devices(const Json& hc, const char* key) {
    Json out = Json::array();
    if (!has_entries(hc, key)) return out;
    for (const auto& d : hc[key]) {
        auto [maj, min] = device_numbers(path_of(d));
        uint64_t rate = d.contains("Rate") && d["Rate"].is_number() ? d["Rate"].get<uint64_t>() : 0;
        out.push_back({{"major", maj}, {"minor", min}, {"rate", rate}});
    }
    return out;
}

}  // namespace

std::vector<std::string> discard_unsupported_blkio(Json& r, const cg::BlkioSupport& host) {
    std::vector<std::string> warnings;
    if (!r.is_object()) return warnings;
    if (r.contains("BlkioWeight") && r["BlkioWeight"].is_number_integer() &&
        r["BlkioWeight"].get<int64_t>() > 0 && !host.weight) {
        warnings.push_back(
            "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight "
            "discarded.");
        r["BlkioWeight"] = 0;
    }
    struct Knob {
        const char* key;
        bool supported;
        const char* warning;
    };
    const Knob knobs[] = {
        {"BlkioWeightDevice", host.weight_device,
         "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. "
         "Weight-device discarded."},
        {"BlkioDeviceReadBps", host.read_bps,
         "Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. "
         "Block I/O BPS read limit "
         "discarded."},
        {"BlkioDeviceWriteBps", host.write_bps,
         "Your kernel does not support BPS Block I/O write limit or the cgroup is not mounted. "
         "Block I/O BPS write "
         "limit discarded."},
        {"BlkioDeviceReadIOps", host.read_iops,
         "Your kernel does not support IOPS Block read limit or the cgroup is not mounted. Block "
         "I/O IOPS read limit "
         "discarded."},
        {"BlkioDeviceWriteIOps", host.write_iops,
         "Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block "
         "I/O IOPS write "
         "limit discarded."},
    };
    for (const auto& k : knobs) {
        if (has_entries(r, k.key) && !k.supported) {
            warnings.push_back(k.warning);
            r[k.key] = Json::array();
        }
    }
    return warnings;
}

Json oci_block_io(const Json& hc) {
    Json b = Json::object();
    if (!hc.is_object()) return b;
    if (hc.contains("BlkioWeight") && hc["BlkioWeight"].is_number_integer() &&
        hc["BlkioWeight"].get<int64_t>() > 0)
        b["weight"] = hc["BlkioWeight"].get<int64_t>();
    if (has_entries(hc, "BlkioWeightDevice")) {
        Json devices = Json::array();
        for (const auto& d : hc["BlkioWeightDevice"]) {
            auto [maj, min] = device_numbers(path_of(d));
            int64_t w = d.contains("Weight") && d["Weight"].is_number_integer()
                            ? d["Weight"].get<int64_t>()
                            : 0;
            devices.push_back({{"major", maj}, {"minor", min}, {"weight", w}});
        }
        b["weightDevice"] = devices;
    }
    const std::pair<const char*, const char*> throttles[] = {
        {"BlkioDeviceReadBps", "throttleReadBpsDevice"},
        {"BlkioDeviceWriteBps", "throttleWriteBpsDevice"},
        {"BlkioDeviceReadIOps", "throttleReadIOPSDevice"},
        {"BlkioDeviceWriteIOps", "throttleWriteIOPSDevice"}};
    for (auto [key, field] : throttles) {
        Json devices = throttle_devices(hc, key);
        if (!devices.empty()) b[field] = devices;
    }
    return b;
}

void lift_dropped_throttles(const Json& old_hc, Json& block_io) {
    const std::pair<const char*, const char*> throttles[] = {
        {"BlkioDeviceReadBps", "throttleReadBpsDevice"},
        {"BlkioDeviceWriteBps", "throttleWriteBpsDevice"},
        {"BlkioDeviceReadIOps", "throttleReadIOPSDevice"},
        {"BlkioDeviceWriteIOps", "throttleWriteIOPSDevice"}};
    for (auto [key, field] : throttles) {
        if (!has_entries(old_hc, key)) continue;
        Json kept = block_io.contains(field) ? block_io[field] : Json::array();
        for (const auto& d : old_hc[key]) {
            std::pair<int64_t, int64_t> dev;
            try {
                dev = device_numbers(path_of(d));
            } catch (const Error&) {
                continue;  // the device is gone: so is its limit
            }
            bool named = false;
            for (const auto& k : kept)
                named = named || (k["major"] == dev.first && k["minor"] == dev.second);
            if (!named) kept.push_back({{"major", dev.first}, {"minor", dev.second}, {"rate", 0}});
        }
        if (!kept.empty()) block_io[field] = kept;
    }
}

}  // namespace berth::engine
