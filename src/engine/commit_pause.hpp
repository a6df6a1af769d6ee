#pragma once
// The durable record that a commit paused a container. It is written before the pause and
// removed after the unpause, so a berthd killed in between (kill -9 mid-commit) finds it at
// its next start and unpauses what it paused, instead of leaving the container frozen for good.
#include <string>

namespace berth::engine {

void mark_commit_pause(const std::string& container_dir);
void clear_commit_pause(const std::string& container_dir);
bool commit_pause_marked(const std::string& container_dir);

}  // namespace berth::engine
