#pragma once
// Finishing an apply that an ApplyLog recorded (apply_log.hpp): rolled back when it did not
// succeed, completed (the aside dir removed) when it did. Used in-process when an apply fails,
// and at berthd's start for an apply its death cut short.
//
// Rollback replays the records newest first, each by path, so each one meets the tree as it
// was when the record was written: a created entry is removed, a moved one put back from the
// aside dir (when the move happened at all), directory metadata and times restored. Every
// undone record is marked in the log (D), so a rollback that is itself cut short resumes
// where it stopped and never undoes a record twice (a second "remove what was created" would
// remove the original that was put back meanwhile).
#include <string>

namespace berth::image {

// Replays the log at `log_path` onto the apply root `root_fd` and removes the log and the
// aside dir. Returns "" or what could not be undone; the log then stays (with what was undone
// marked), so another attempt can finish.
std::string replay_apply_log(int root_fd, const std::string& log_path);

// At start-up: opens the log's apply root (its B record) under `outer_root_fd` without leaving
// it, then replay_apply_log. A root that no longer exists leaves nothing to undo.
std::string recover_apply(int outer_root_fd, const std::string& log_path);

}  // namespace berth::image
