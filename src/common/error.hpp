#pragma once
// The one error type of berth: a code a machine can map (HTTP status, exit code)
// and a message a person can act on.
#include <stdexcept>
#include <string>
#include <string_view>

namespace berth {

enum class Errc {
    not_found,
    conflict,
    invalid_argument,
    permission_denied,
    unauthorized,  // credentials missing or refused (a registry's 401): HTTP 401
    unavailable,
    not_implemented,  // a feature the configuration turned off (logs of --log-driver none): 501
    internal,
};

std::string_view errc_name(Errc code);

class Error : public std::runtime_error {
public:
    Error(Errc code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
    Errc code() const noexcept { return code_; }

private:
    Errc code_;
};

// Throws an Error for a failed system call: "<what>: <strerror(err)>", with the
// code chosen from errno (ENOENT -> not_found, EEXIST -> conflict, EPERM -> permission_denied...).
[[noreturn]] void throw_sys(std::string_view what, int err);
[[noreturn]] void throw_errno(std::string_view what);  // uses the current errno

Errc errc_from_errno(int err);

}  // namespace berth
