#include "cli/registry/credential_helper.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "cli/registry/auth_config.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"

namespace berth::cli {

using client::Json;

namespace {

constexpr const char* kNotFound = "credentials not found in native keychain";
constexpr const char* kMissingServerUrl = "no credentials server URL";
constexpr const char* kMissingUsername = "no credentials username";

std::string trim(std::string s) {
    while (!s.empty() && std::strchr(" \t\r\n", s.back()) != nullptr) s.pop_back();
    size_t start = s.find_first_not_of(" \t\r\n");
    return start == std::string::npos ? "" : s.substr(start);
}

// exec.LookPath: the first executable `name` on $PATH.
std::optional<std::string> look_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "";
    size_t start = 0;
    for (;;) {
        size_t end = dirs.find(':', start);
        std::string dir = dirs.substr(start, end == std::string::npos ? end : end - start);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return std::nullopt;
}

// isValidCredsMessage: the helper's own words for a request it could not use.
void throw_if_invalid_request(const std::string& out) {
    if (out.find(kMissingServerUrl) != std::string::npos)
        throw Error(Errc::invalid_argument, kMissingServerUrl);
    if (out.find(kMissingUsername) != std::string::npos)
        throw Error(Errc::invalid_argument, kMissingUsername);
}

}  // namespace

CredentialHelper::Result CredentialHelper::run(const char* action, const std::string& input) const {
    auto path = look_path(program_);
    if (!path) return {"", "exec: \"" + program_ + "\": executable file not found in $PATH"};
    UniqueFd in_read, in_write, out_read, out_write;
    pipe_pair(in_read, in_write);
    pipe_pair(out_read, out_write);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(Errc::internal, std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        // The helper's stderr is not shown, as Go's exec.Cmd.Output keeps it for the error.
        int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        ::dup2(in_read.get(), 0);
        ::dup2(out_write.get(), 1);
        if (devnull >= 0) ::dup2(devnull, 2);
        ::signal(SIGPIPE, SIG_DFL);
        ::execl(path->c_str(), program_.c_str(), action, static_cast<char*>(nullptr));
        ::_exit(127);
    }
    in_read.reset();
    out_write.reset();
    // Requests are small (a URL, a few hundred bytes of JSON): they fit in the pipe, so writing
    // all of it before reading cannot deadlock.
    // A helper that exits without reading must not kill berth with SIGPIPE.
    struct sigaction ignore {
    }, saved{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &saved);
    const char* data = input.data();
    size_t left = input.size();
    while (left > 0) {
        ssize_t n = ::write(in_write.get(), data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the helper exited without reading: its status says why
        data += n;
        left -= static_cast<size_t>(n);
    }
    in_write.reset();
    ::sigaction(SIGPIPE, &saved, nullptr);
    Result result;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(out_read.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        result.out.append(buf, static_cast<size_t>(n));
        if (result.out.size() > (1u << 20)) break;  // a helper does not answer in megabytes
    }
    out_read.reset();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        result.error = "exit status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        result.error = std::string("signal: ") + ::strsignal(WTERMSIG(status));
    return result;
}

void CredentialHelper::store(const HelperCredentials& creds) const {
    Json request = Json::object();
    request["ServerURL"] = creds.server_url;
    request["Username"] = creds.username;
    request["Secret"] = creds.secret;
    Result r = run("store", go_json(request) + "\n");
    if (r.error.empty()) return;
    std::string out = trim(r.out);
    throw_if_invalid_request(out);
    throw Error(Errc::internal,
                "error storing credentials - err: " + r.error + ", out: `" + out + "`");
}

std::optional<HelperCredentials> CredentialHelper::get(const std::string& server_url) const {
    Result r = run("get", server_url);
    if (!r.error.empty()) {
        std::string out = trim(r.out);
        throw_if_invalid_request(out);
        if (out.find(kNotFound) != std::string::npos) return std::nullopt;
        throw Error(Errc::internal,
                    "error getting credentials - err: " + r.error + ", out: `" + out + "`");
    }
    Json answer = Json::parse(r.out, nullptr, false);
    if (answer.is_discarded() || !answer.is_object())
        throw Error(Errc::internal, "error getting credentials - the answer of " + program_ +
                                        " is not JSON: `" + trim(r.out) + "`");
    HelperCredentials creds{server_url, "", ""};
    // Go's decoder matches member names case-insensitively.
    for (auto it = answer.begin(); it != answer.end(); ++it) {
        if (!it->is_string()) continue;
        std::string key = it.key();
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key == "serverurl") creds.server_url = it->get<std::string>();
        if (key == "username") creds.username = it->get<std::string>();
        if (key == "secret") creds.secret = it->get<std::string>();
    }
    return creds;
}

void CredentialHelper::erase(const std::string& server_url) const {
    Result r = run("erase", server_url);
    if (r.error.empty()) return;
    std::string out = trim(r.out);
    throw_if_invalid_request(out);
    throw Error(Errc::internal,
                "error erasing credentials - err: " + r.error + ", out: `" + out + "`");
}

}  // namespace berth::cli
