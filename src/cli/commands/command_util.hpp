#pragma once
// Helpers shared by the commands: flag parsing with --help, per-item loops that report each
// failure and exit 1 at the end (as `docker stop a b` does), and small API shortcuts.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "cli/flags/flag_set.hpp"
#include "cli/template/template.hpp"
#include "client/api_client.hpp"

namespace berth::cli {

using client::Json;
using client::Query;

// Parses the flags; nullopt when --help was asked for (and printed).
std::optional<std::vector<std::string>> parse_args(Cli& cli, FlagSet& flags,
                                                   const std::vector<std::string>& args);

// Runs `fn` for every name; failures are printed as they happen and turn into exit status 1.
int for_each_item(Cli& cli, const std::vector<std::string>& names,
                  const std::function<void(const std::string&)>& fn);

// "/containers/<escaped id>" + suffix.
std::string container_path(const std::string& id, const std::string& suffix = "");
std::string image_path(const std::string& name, const std::string& suffix = "");

// Renders rows through --format (or the default table) and prints them.
void print_formatted(Cli& cli, const std::string& format, const Json& header,
                     const std::vector<Json>& rows,
                     const std::function<void(tmpl::Template&)>& customize = nullptr);

// "Total reclaimed space: 1.2MB" from a prune result's SpaceReclaimed.
std::string reclaimed_text(const Json& result);

// Prints `warning` and docker's "Are you sure you want to continue? [y/N] ", reads the answer
// from stdin: true for y/Y (the prune commands without --force).
bool confirm(Cli& cli, const std::string& warning);

// True when fd is a terminal.
bool is_terminal(int fd);

// Reads a whole file ("-" is stdin); throws invalid_argument naming the file.
std::string read_file_or_stdin(const std::string& path);

// "host:5000/repo:tag" -> {"host:5000/repo", "tag"}; the tag is "" when the reference has none
// (a colon before the last '/' is a registry port, not a tag).
struct RepoTag {
    std::string repo;
    std::string tag;
};
RepoTag split_repo_tag(const std::string& ref);

}  // namespace berth::cli
