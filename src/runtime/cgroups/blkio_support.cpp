#include "runtime/cgroups/blkio_support.hpp"

#include <dirent.h>

#include <set>
#include <sstream>

#include "common/file_util.hpp"

namespace berth::runtime::cgroups {

namespace {

BlkioSupport probe_v1(const std::string& dir) {
    auto has = [&](const char* f) { return path_exists(dir + "/" + f); };
    BlkioSupport s;
    // CFQ offered blkio.weight; with BFQ the same knob is blkio.bfq.weight.
    s.weight = has("blkio.weight") || has("blkio.bfq.weight");
    s.weight_device = has("blkio.weight_device") || has("blkio.bfq.weight_device");
    s.read_bps = has("blkio.throttle.read_bps_device");
    s.write_bps = has("blkio.throttle.write_bps_device");
    s.read_iops = has("blkio.throttle.read_iops_device");
    s.write_iops = has("blkio.throttle.write_iops_device");
    return s;
}

// Whether some child cgroup of `root` carries a weight file. Bounded: the root's direct
// children only (the system's own slices), never a walk of the tree.
bool child_has_io_weight(const std::string& root) {
    DIR* dir = ::opendir(root.c_str());
    if (!dir) return false;
    bool found = false;
    while (dirent* ent = ::readdir(dir)) {
        std::string name = ent->d_name;
        if (name == "." || name == ".." || ent->d_type != DT_DIR) continue;
        std::string child = root + "/" + name;
        if (path_exists(child + "/io.weight") || path_exists(child + "/io.bfq.weight")) {
            found = true;
            break;
        }
    }
    ::closedir(dir);
    return found;
}

BlkioSupport probe_v2(const std::string& unified) {
    BlkioSupport s;
    s.v2 = true;
    std::istringstream controllers(
        read_file_if_exists(unified + "/cgroup.controllers").value_or(""));
    std::set<std::string> names;
    for (std::string c; controllers >> c;) names.insert(c);
    if (!names.count("io")) return s;
    s.read_bps = s.write_bps = s.read_iops = s.write_iops = true;
    // io.weight takes "major:minor weight" lines too, so per-device weights go with it.
    s.weight = s.weight_device = child_has_io_weight(unified);
    return s;
}

}  // namespace

BlkioSupport probe_blkio(const Layout& layout) {
    if (const Hierarchy* h = layout.find("blkio")) return probe_v1(h->mount);
    // A hybrid host without a blkio hierarchy has nowhere to put them: the v1 code writes
    // blkio.* only, so the unified io controller does not count there.
    if (layout.mode == Mode::v2) return probe_v2(layout.unified);
    return {};
}

std::vector<std::string> blkio_info_warnings(const BlkioSupport& s) {
    std::vector<std::string> out;
    if (s.v2) {
        if (!s.weight) out.push_back("WARNING: No io.weight support");
        if (!s.weight_device) out.push_back("WARNING: No io.weight (per device) support");
    }
    auto throttle = [&](bool ok, const char* v2_key, const char* v1_file) {
        if (ok) return;
        out.push_back(s.v2 ? std::string("WARNING: No io.max (") + v2_key + ") support"
                           : std::string("WARNING: No blkio throttle.") + v1_file + " support");
    };
    throttle(s.read_bps, "rbps", "read_bps_device");
    throttle(s.write_bps, "wbps", "write_bps_device");
    throttle(s.read_iops, "riops", "read_iops_device");
    throttle(s.write_iops, "wiops", "write_iops_device");
    return out;
}

}  // namespace berth::runtime::cgroups
