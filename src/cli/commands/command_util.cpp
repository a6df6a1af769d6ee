#include "cli/commands/command_util.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "client/errors.hpp"
#include "client/query.hpp"

namespace berth::cli {

std::optional<std::vector<std::string>> parse_args(Cli& cli, FlagSet& flags,
                                                   const std::vector<std::string>& args) {
    auto positional = flags.parse(args);
    if (flags.help_requested()) {
        cli.out(flags.help_text());
        return std::nullopt;
    }
    return positional;
}

int for_each_item(Cli& cli, const std::vector<std::string>& names,
                  const std::function<void(const std::string&)>& fn) {
    int status = 0;
    for (const auto& name : names) {
        try {
            fn(name);
        } catch (const client::ConnectError&) {
            throw;  // no point going on
        } catch (const std::exception& e) {
            std::fflush(stdout);
            cli.errln(describe_error(e));
            status = 1;
        }
    }
    return status;
}

std::string container_path(const std::string& id, const std::string& suffix) {
    return "/containers/" + client::url_escape(id) + suffix;
}

std::string image_path(const std::string& name, const std::string& suffix) {
    return "/images/" + client::path_escape(name) + suffix;
}

void print_formatted(Cli& cli, const std::string& format, const Json& header,
                     const std::vector<Json>& rows,
                     const std::function<void(tmpl::Template&)>& customize) {
    FormatOptions options;
    options.format = format;
    options.header = header;
    options.customize = customize;
    cli.out(render_rows(options, rows));
}

std::string reclaimed_text(const Json& result) {
    return "Total reclaimed space: " + human_size(result.value("SpaceReclaimed", 0.0));
}

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

std::string read_file_or_stdin(const std::string& path) {
    std::ostringstream buffer;
    if (path == "-") {
        buffer << std::cin.rdbuf();
        return buffer.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(Errc::invalid_argument, "open " + path + ": no such file or directory");
    buffer << in.rdbuf();
    return buffer.str();
}

RepoTag split_repo_tag(const std::string& ref) {
    auto slash = ref.rfind('/');
    auto colon = ref.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        return {ref.substr(0, colon), ref.substr(colon + 1)};
    }
    return {ref, ""};
}

bool confirm(Cli& cli, const std::string& warning) {
    cli.out(warning + "Are you sure you want to continue? [y/N] ");
    std::fflush(stdout);
    char answer[16] = {0};
    return std::fgets(answer, sizeof answer, stdin) != nullptr && (answer[0] == 'y' || answer[0] == 'Y');
}

}  // namespace berth::cli
