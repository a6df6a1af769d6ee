// `berth cp`: GET/PUT /containers/{id}/archive. "-" streams the tar itself; a local path is
// packed or unpacked by the system tar (GNU tar, for --transform), which is not a hot path.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "client/errors.hpp"
#include "common/unique_fd.hpp"

namespace berth::cli {

namespace {

struct Location {
    std::string container;  // empty for a local path
    std::string path;
};

Location split_location(const std::string& arg) {
    // "name:path" unless it looks like a local path (absolute or relative with a slash first).
    if (arg.empty() || arg[0] == '/' || arg[0] == '.') return {"", arg};
    auto colon = arg.find(':');
    if (colon == std::string::npos) return {"", arg};
    return {arg.substr(0, colon), arg.substr(colon + 1)};
}

// Runs tar with `args`; returns its pid and the pipe end for our side.
pid_t spawn_tar(const std::vector<std::string>& args, bool we_write, UniqueFd& our_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe");
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        ::dup2(we_write ? fds[0] : fds[1], we_write ? STDIN_FILENO : STDOUT_FILENO);
        std::vector<char*> argv;
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execvp("tar", argv.data());
        _exit(127);
    }
    ::close(we_write ? fds[0] : fds[1]);
    our_end.reset(we_write ? fds[1] : fds[0]);
    return pid;
}

// Reaps tar; false when it failed.
bool reap_tar(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void wait_tar(pid_t pid) {
    if (!reap_tar(pid)) throw Error(Errc::internal, "tar failed");
}

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write");
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void copy_from_container(Cli& cli, const Location& src, const std::string& dest) {
    std::string path = container_path(src.container, "/archive");
    Query q;
    q.add("path", src.path);
    if (dest == "-") {
        cli.api().stream("GET", path, q, [](std::string_view d) {
            write_all(STDOUT_FILENO, d);
            return true;
        });
        return;
    }
    std::string base = std::filesystem::path(src.path).filename().string();
    if (base.empty() || base == ".")
        base = std::filesystem::path(src.path).parent_path().filename().string();
    std::vector<std::string> args{"tar", "-x", "--no-same-owner", "-f", "-"};
    struct stat st {};
    if (::stat(dest.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        args.insert(args.end(), {"-C", dest});
    } else {
        std::string parent = std::filesystem::path(dest).parent_path().string();
        if (parent.empty()) parent = ".";
        std::string target = std::filesystem::path(dest).filename().string();
        args.insert(args.end(), {"-C", parent, "--transform", "s,^" + base + ",$" + target + ","});
        args.back() = "s,^" + base + "," + target + ",";
    }
    // tar starts with the first byte of the archive: on an error answer there is no tar to
    // complain about an empty archive over the daemon's message.
    UniqueFd fd;
    pid_t pid = -1;
    try {
        cli.api().stream("GET", path, q, [&](std::string_view d) {
            if (pid < 0) pid = spawn_tar(args, true, fd);
            write_all(fd.get(), d);
            return true;
        });
    } catch (...) {
        fd.reset();
        if (pid > 0) reap_tar(pid);
        throw;
    }
    if (pid < 0) throw Error(Errc::internal, "the daemon sent an empty archive for " + src.path);
    fd.reset();
    wait_tar(pid);
}

void copy_to_container(Cli& cli, const std::string& src, const Location& dest) {
    std::string path = container_path(dest.container, "/archive");
    if (src == "-") {
        cli.api().upload("PUT", path, Query().add("path", dest.path), STDIN_FILENO,
                         "application/x-tar", [](std::string_view) { return true; });
        return;
    }
    struct stat st {};
    if (::stat(src.c_str(), &st) != 0)
        throw Error(Errc::not_found, "stat " + src + ": no such file or directory");
    // Into an existing directory keeps the name; otherwise the copy takes the destination's name.
    bool dest_is_dir = false;
    try {
        auto head = cli.api().call("HEAD", path, Query().add("path", dest.path));
        auto stat_header = head.head.header("X-Docker-Container-Path-Stat");
        dest_is_dir = stat_header.has_value();  // refined below when decodable
        if (stat_header) {
            // base64 JSON {"mode": ...}: directories have the ModeDir bit (1<<31).
            static const std::string kAlphabet =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            std::string decoded;
            int val = 0, bits = -8;
            for (char c : *stat_header) {
                auto p = kAlphabet.find(c);
                if (p == std::string::npos) break;
                val = (val << 6) + static_cast<int>(p);
                bits += 6;
                if (bits >= 0) {
                    decoded += static_cast<char>((val >> bits) & 0xFF);
                    bits -= 8;
                }
            }
            auto doc = Json::parse(decoded, nullptr, false);
            if (doc.is_object())
                dest_is_dir = (doc.value("mode", int64_t{0}) & (int64_t{1} << 31)) != 0;
        }
    } catch (const client::DaemonError& e) {
        if (e.status() != 404) throw;
    }
    std::filesystem::path source(src);
    std::string parent = source.parent_path().string();
    if (parent.empty()) parent = ".";
    std::string base = source.filename().string();
    std::string target_dir = dest.path;
    std::vector<std::string> args{"tar", "-c", "-f", "-", "-C", parent};
    if (!dest_is_dir) {
        std::filesystem::path d(dest.path);
        target_dir = d.parent_path().string();
        if (target_dir.empty()) target_dir = "/";
        args.push_back("--transform");
        args.push_back("s,^" + base + "," + d.filename().string() + ",");
    }
    args.push_back(base);
    UniqueFd fd;
    pid_t pid = spawn_tar(args, false, fd);
    try {
        cli.api().upload("PUT", path, Query().add("path", target_dir), fd.get(),
                         "application/x-tar", [](std::string_view) { return true; });
    } catch (...) {
        // The daemon's error is the one to show, not tar's complaint about an empty archive.
        fd.reset();
        reap_tar(pid);
        throw;
    }
    fd.reset();
    wait_tar(pid);
}

}  // namespace

int cmd_cp(Cli& cli, const Args& args) {
    bool archive = false, follow = false, quiet = false;
    FlagSet flags("berth cp",
                  "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- "
                  "CONTAINER:DEST_PATH",
                  "Copy files/folders between a container and the local filesystem");
    flags.boolean(&archive, "archive", 'a', "Archive mode (copy all uid/gid information)");
    flags.boolean(&follow, "follow-link", 'L', "Always follow symbol link in SRC_PATH");
    flags.boolean(&quiet, "quiet", 'q', "Suppress progress output during copy");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 2);
    Location src = split_location((*pos)[0]), dest = split_location((*pos)[1]);
    if (!src.container.empty() && !dest.container.empty())
        throw StatusError(1, "copying between containers is not supported");
    if (src.container.empty() && dest.container.empty())
        throw StatusError(1, "must specify at least one container source");
    if (!src.container.empty())
        copy_from_container(cli, src, (*pos)[1]);
    else
        copy_to_container(cli, (*pos)[0], dest);
    return 0;
}

}  // namespace berth::cli
