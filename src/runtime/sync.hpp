#pragma once
// The messages between the runtime (parent) and the container's init (child) over a
// SOCK_SEQPACKET socketpair. Fixed-size, so the child never allocates.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace berth::runtime {

enum class SyncType : int {
    go = 1,            // parent -> child: carry on
    run_hooks = 2,     // child -> parent: mounts done, run prestart/createRuntime hooks now
    ready = 3,         // child -> parent: set up, waiting for start
    error = 4,         // child -> parent: setup failed (err + text)
    state_json = 5,    // parent -> child: the container state for in-container hooks
};

struct SyncMessage {
    SyncType type = SyncType::go;
    int err = 0;
    char text[512] = {};
};

inline bool sync_send(int fd, const SyncMessage& m) noexcept {
    for (;;) {
        ssize_t n = ::send(fd, &m, sizeof m, MSG_NOSIGNAL);
        if (n == static_cast<ssize_t>(sizeof m)) return true;
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
}

// Returns false on EOF or error.
inline bool sync_recv(int fd, SyncMessage& m) noexcept {
    for (;;) {
        ssize_t n = ::recv(fd, &m, sizeof m, 0);
        if (n == static_cast<ssize_t>(sizeof m)) return true;
        if (n < 0 && errno == EINTR) continue;
        return false;
    }
}

// Appends a C string to a fixed buffer, always terminated.
inline void append_text(char* buf, size_t cap, const char* s) noexcept {
    size_t len = std::strlen(buf);
    while (*s && len + 1 < cap) buf[len++] = *s++;
    buf[len] = '\0';
}

}  // namespace berth::runtime
