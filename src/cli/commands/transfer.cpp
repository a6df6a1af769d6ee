// Archives in and out: export, save (tar to stdout or -o), load and import (tar or rootfs from a
// file or stdin, streamed up with chunked encoding).
#include <fcntl.h>
#include <unistd.h>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/stream/json_messages.hpp"
#include "common/unique_fd.hpp"

namespace berth::cli {

namespace {

// Streams a GET body to `output` (a file) or stdout; refuses a terminal as Docker does.
void download(Cli& cli, const std::string& path, const Query& q, const std::string& output,
              const char* what) {
    int fd = STDOUT_FILENO;
    UniqueFd file;
    std::string tmp;
    if (!output.empty()) {
        tmp = output + ".berth-tmp";
        file.reset(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!file) throw_errno("failed to create " + output);
        fd = file.get();
    } else if (is_terminal(STDOUT_FILENO)) {
        throw StatusError(
            1, std::string("cowardly refusing to save to a terminal. Use the -o flag or redirect"));
    }
    (void)what;
    cli.api().stream("GET", path, q, [fd](std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::write(fd, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_errno("write");
            }
            data.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    });
    if (!output.empty()) {
        if (::fsync(fd) != 0 || ::rename(tmp.c_str(), output.c_str()) != 0)
            throw_errno("failed to write " + output);
    }
}

UniqueFd open_input(const std::string& path) {
    if (path.empty() || path == "-") return UniqueFd(::dup(STDIN_FILENO));
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno("open " + path);
    return fd;
}

}  // namespace

int cmd_export(Cli& cli, const Args& args) {
    std::string output;
    FlagSet flags("berth export", "[OPTIONS] CONTAINER",
                  "Export a container's filesystem as a tar archive");
    flags.string(&output, "output", 'o', "Write to a file, instead of STDOUT");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);
    download(cli, container_path((*pos)[0], "/export"), Query(), output, "export");
    return 0;
}

int cmd_save(Cli& cli, const Args& args) {
    std::string output;
    std::vector<std::string> platforms;
    FlagSet flags("berth save", "[OPTIONS] IMAGE [IMAGE...]",
                  "Save one or more images to a tar archive (streamed to STDOUT by default)");
    flags.string(&output, "output", 'o', "Write to a file, instead of STDOUT");
    flags.strings(&platforms, "platform", 0, "Save only the given platform(s)");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    Query q;
    for (const auto& name : *pos) q.add("names", name);
    download(cli, "/images/get", q, output, "save");
    return 0;
}

int cmd_load(Cli& cli, const Args& args) {
    std::string input;
    bool quiet = false;
    FlagSet flags("berth load", "[OPTIONS]", "Load an image from a tar archive or STDIN");
    flags.string(&input, "input", 'i', "Read from tar archive file, instead of STDIN");
    flags.boolean(&quiet, "quiet", 'q', "Suppress the load output");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_no_args(*pos);
    if (input.empty() && is_terminal(STDIN_FILENO))
        throw StatusError(1, "requested load from stdin, but stdin is empty");
    UniqueFd fd = open_input(input);
    JsonMessagePrinter printer(stdout, JsonMessagePrinter::for_stream(stdout));
    cli.api().upload("POST", "/images/load", Query().flag("quiet", quiet), fd.get(),
                     "application/x-tar", [&](std::string_view data) {
                         printer.feed(data);
                         return true;
                     });
    printer.finish();
    return 0;
}

int cmd_import(Cli& cli, const Args& args) {
    std::vector<std::string> changes;
    std::string message, platform;
    FlagSet flags("berth import", "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
                  "Import the contents from a tarball to create a filesystem image");
    flags.strings(&changes, "change", 'c', "Apply Dockerfile instruction to the created image");
    flags.string(&message, "message", 'm', "Set commit message for imported image");
    flags.string(&platform, "platform", 0, "Set platform if server is multi-platform capable");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_min_args(*pos, 1);
    flags.require_max_args(*pos, 2);
    Query q;
    const std::string& source = (*pos)[0];
    bool url = source.starts_with("http://") || source.starts_with("https://");
    q.add("fromSrc", url ? source : "-");
    if (pos->size() == 2) {
        auto [repo, tag] = split_repo_tag((*pos)[1]);
        q.add("repo", repo).add_if(!tag.empty(), "tag", tag);
    }
    q.add_if(!message.empty(), "message", message);
    q.add_if(!platform.empty(), "platform", platform);
    for (const auto& c : changes) q.add("changes", c);
    // Import answers with {"status":"sha256:..."}: Docker prints the status lines.
    JsonMessagePrinter printer(stdout, JsonMessagePrinter::for_stream(stdout));
    auto sink = [&](std::string_view data) {
        printer.feed(data);
        return true;
    };
    if (url) {
        cli.api().stream("POST", "/images/create", q, sink);
    } else {
        UniqueFd fd = open_input(source);
        cli.api().upload("POST", "/images/create", q, fd.get(), "application/x-tar", sink);
    }
    printer.finish();
    return 0;
}

}  // namespace berth::cli
