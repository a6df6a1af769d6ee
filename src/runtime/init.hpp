#pragma once
#include "runtime/launch_plan.hpp"

namespace berth::runtime::child {

// The container's first process, from clone() to execve(). Never returns.
[[noreturn]] void container_init(const LaunchPlan& plan) noexcept;

}  // namespace berth::runtime::child
