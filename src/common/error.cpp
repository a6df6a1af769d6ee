#include "common/error.hpp"

#include <cerrno>
#include <cstring>

namespace berth {

std::string_view errc_name(Errc code) {
    switch (code) {
        case Errc::not_found: return "not_found";
        case Errc::conflict: return "conflict";
        case Errc::invalid_argument: return "invalid_argument";
        case Errc::permission_denied: return "permission_denied";
        case Errc::unavailable: return "unavailable";
        case Errc::not_implemented: return "not_implemented";
        case Errc::unauthorized: return "unauthorized";
        case Errc::internal: return "internal";
    }
    return "internal";
}

Errc errc_from_errno(int err) {
    switch (err) {
        case ENOENT:
        case ESRCH: return Errc::not_found;
        case EEXIST:
        case EBUSY: return Errc::conflict;
        case EINVAL:
        case ENOTDIR:
        case EISDIR:
        case ELOOP:
        case ENAMETOOLONG: return Errc::invalid_argument;
        case EPERM:
        case EACCES:
        case EROFS: return Errc::permission_denied;
        case EAGAIN:
        case ENOSPC:
        case ENOMEM: return Errc::unavailable;
        default: return Errc::internal;
    }
}

void throw_sys(std::string_view what, int err) {
    std::string msg(what);
    msg += ": ";
    msg += std::strerror(err);
    throw Error(errc_from_errno(err), std::move(msg));
}

void throw_errno(std::string_view what) { throw_sys(what, errno); }

}  // namespace berth
