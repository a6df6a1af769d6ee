#pragma once
// A container's user mounts, parsed as moby's volume/mounts (linux_parser.go) does:
// HostConfig.Binds entries "SRC:DST[:MODE]" and HostConfig.Mounts objects. Errors are
// invalid_argument with moby's words, so the docker CLI prints what Docker prints.
#include <cstdint>
#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::volume {

struct MountPoint {
    std::string type;         // "bind", "volume" or "tmpfs"
    std::string source;       // bind: the cleaned host path; volume: its name ("" anonymous)
    std::string destination;  // cleaned absolute path in the container
    std::string mode;         // a Binds entry's MODE as given ("" for Mounts)
    bool rw = true;
    std::string propagation;  // bind: rprivate unless given
    // Bind recursion (Docker 25+, API 1.44): a bind is rbind unless NonRecursive; a read-only one
    // is read-only all the way down (OCI "rro") unless ReadOnlyNonRecursive, and with
    // ReadOnlyForceRecursive a runtime or kernel without "rro" is an error, not a fallback to "ro".
    bool non_recursive = false;
    bool read_only_non_recursive = false;
    bool read_only_force_recursive = false;
    bool create_source =
        false;  // a missing source dir is made at start (-v; --mount with CreateMountpoint)
    std::string tmpfs_data;  // tmpfs: "ro,mode=1777,size=64m" (moby's ConvertTmpfsOptions)
    std::string origin;      // "HostConfig.Binds: /a:/b" or "HostConfig.Mounts: ...", for messages
};

// One Binds entry. Does not look at the host (a -v source that is missing is created at start).
MountPoint parse_bind(const std::string& raw);

// One Mounts object. With check_source, a bind source that does not exist is an error unless
// BindOptions.CreateMountpoint is set (Docker checks at create, not at start).
MountPoint parse_mount(const Json& mount, bool check_source);

// Every user mount of a HostConfig: Binds, then Mounts, as moby's registerMountPoints; a
// destination used twice (also by HostConfig.Tmpfs) is "Duplicate mount point". Volume mounts
// (named or anonymous) are refused: berthd has no volume driver yet. With
// read_only_non_recursive_default (a container created through API < 1.44), read-only binds
// are read-only on their top mount only, as Docker before 25.
std::vector<MountPoint> container_mounts(const Json& host_config, bool check_sources,
                                         bool read_only_non_recursive_default = false);

// Makes the missing host directories of the mounts that ask for it (0755, as Docker).
void create_missing_sources(const std::vector<MountPoint>& mounts);

// path.Clean of Go: lexical, no symlinks.
std::string clean_path(const std::string& path);

// Docker's MountPoint as `docker inspect` shows it in .Mounts.
Json inspect_json(const MountPoint& m);

}  // namespace berth::volume
