#pragma once
// Resolving tar entry names inside an extraction root without ever leaving it.
// Every lookup goes through openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) relative to
// the root fd: a symlink that stays inside the root is followed (a lower layer's
// `lib -> usr/lib`), one that would lead outside (absolute, or too many `..`) makes the
// lookup fail with EXDEV, which we report as an escape. Names are never concatenated
// onto the root path and handed to the kernel as one string.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace berth::image {

// Splits a tar entry name into components, dropping "" and ".". Throws invalid_argument
// `layer entry "<name>": path escapes the layer root` for absolute names and any "..".
std::vector<std::string> split_entry_path(std::string_view name);
std::string join_path(const std::vector<std::string>& comps, size_t count);

// docker cp's rules (moby's archive.Untar): the name is cleaned lexically as Go's
// filepath.Clean does, an absolute name is taken relative to the extraction root ("/etc/x" is
// "etc/x", "/../x" is "x") and "a/../b" is "b"; only a name that still leads above the root is
// refused, in moby's words: `"../x" is outside of "<dest>"` (`dest` is the extraction directory
// as the container sees it).
std::vector<std::string> split_untar_path(std::string_view name, std::string_view dest);
// Go's %q for a string of printable text: quoted, with `"`, `\` and control bytes escaped.
std::string go_quote(std::string_view s);

[[noreturn]] void throw_escape(std::string_view entry);

// openat2 beneath `root`. Returns an invalid fd (errno set) on failure; EXDEV/ELOOP mean
// the path would leave the root.
UniqueFd open_beneath(int root, const std::string& rel, int flags, bool follow_last);

// Told about each directory ensure_dir_beneath creates, before the mkdir and after it
// (made, or failed because something is there after all): the parent (an O_PATH fd), the
// parent's path from the root, the name.
enum class MkdirStep { before, made, failed };
using MkdirHook = std::function<void(int parent_fd, const std::string& parent_rel,
                                     const std::string& name, MkdirStep step)>;

// Opens the directory `comps[0..count)` under root, creating missing directories (mode
// 0755, owned by the caller) on the way. Throws naming `entry` on escape or non-directory.
UniqueFd ensure_dir_beneath(int root, const std::vector<std::string>& comps, size_t count,
                            std::string_view entry, const MkdirHook* hook = nullptr);

// Removes `name` in `dir_fd` (a whole tree for directories) without following symlinks
// and without leaving the directory's filesystem. A missing name is fine.
void remove_tree_at(int dir_fd, const std::string& name);

}  // namespace berth::image
