#pragma once
// The embedded default image: busybox:latest from the host's static busybox binary
// (Debian's busybox-static), so the first `run` needs no network.
#include <string>

#include "image/archive_register.hpp"
#include "image/digest.hpp"

namespace berth::image {

struct BusyboxOptions {
    std::string binary = "/bin/busybox";
    std::string tag = "busybox:latest";
};

// One layer: /bin/busybox, a hard link for every applet `busybox --list-full` names, a
// minimal /etc (passwd, group) and the usual empty dirs; CMD ["sh"]. All times are the
// binary's mtime, so the same binary always gives the same image id.
Digest build_busybox_image(const ArchiveTargets& targets, const BusyboxOptions& options = {});

}  // namespace berth::image
