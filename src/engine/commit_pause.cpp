#include "engine/commit_pause.hpp"

#include <unistd.h>

#include "common/file_util.hpp"

namespace berth::engine {

namespace {
std::string marker(const std::string& container_dir) { return container_dir + "/commit-paused"; }
}  // namespace

void mark_commit_pause(const std::string& container_dir) {
    // write_file_atomic syncs: the record is on disk before the container is frozen.
    write_file_atomic(marker(container_dir), "");
}

void clear_commit_pause(const std::string& container_dir) {
    ::unlink(marker(container_dir).c_str());
}

bool commit_pause_marked(const std::string& container_dir) {
    return path_exists(marker(container_dir));
}

}  // namespace berth::engine
