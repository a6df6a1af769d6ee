#pragma once
// A registry's error answer, read as Docker's distribution client reads it: the body's
// {"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]} becomes "manifest unknown: ..."
// (the code lower-cased with spaces, then the message), and a status without such a body
// becomes Go's "unexpected status code 500 Internal Server Error".
#include <string>

#include "common/error.hpp"
#include "registry/http.hpp"

namespace berth::registry {

struct RegistryErrorInfo {
    std::string text;    // Docker's wording
    std::string code;    // the first error's code ("MANIFEST_UNKNOWN"), "" when none
};

RegistryErrorInfo read_registry_error(const HttpResponse& response);
// The Errc a status maps to: 404 not_found, 401 unauthorized, 403 permission_denied,
// 400/405/413/416 invalid_argument, 429 and 5xx unavailable, anything else internal.
Errc errc_for_status(int status);
// 408, 429 and 5xx: a retry may succeed.
bool is_transient_status(int status);
std::string status_text(int status);  // "404 Not Found"

}  // namespace berth::registry
