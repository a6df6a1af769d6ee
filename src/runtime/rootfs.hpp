#pragma once
// The container's filesystem view, built in the child inside its new mount namespace:
// mounts, devices, pivot_root, masked and read-only paths. No allocation, no exceptions;
// every path inside the rootfs is resolved with RESOLVE_IN_ROOT so nothing can escape it.
#include "runtime/launch_plan.hpp"

namespace berth::runtime::child {

// Before the runtime hooks: propagation, rootfs bind, every mount, devices. Returns the
// rootfs directory fd. Fails through child::fail().
int prepare_rootfs(const LaunchPlan& plan) noexcept;
// pivot_root (or MS_MOVE + chroot with no_pivot) into root_fd; closes it.
void enter_rootfs(const LaunchPlan& plan, int root_fd) noexcept;
// After pivot: masked paths, read-only paths, sysctls, read-only root.
void finish_rootfs(const LaunchPlan& plan) noexcept;

}  // namespace berth::runtime::child
