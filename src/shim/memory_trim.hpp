#pragma once
// Keeping an idle shim small. The static binary's code for creating a container (spec
// parsing, seccomp compiling...) is mapped in when used and then stays counted in RSS, though
// the long-lived loop needs a small part of it. Dropping the clean, file-backed pages of our
// own image lets them fault back in from the page cache only where they are used again.
namespace berth::shim {

// madvise(MADV_DONTNEED) on every mapping of /proc/self/exe that has no anonymous (copy-on-
// write) pages, which makes it safe: what is dropped is identical to the file. Then
// malloc_trim. Best effort; never throws.
void release_unused_memory() noexcept;

}  // namespace berth::shim
