#pragma once
// The berth command: global flags (-H, -D, --log-level, -v), the command table, and the mapping
// of failures to Docker's output and exit statuses.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/api_client.hpp"
#include "client/tls.hpp"

namespace berth::cli {

// Docker's cli.StatusError: exit with `status`, printing `message` (when not empty) to stderr.
class StatusError : public std::exception {
  public:
    StatusError(int status, std::string message = "")
        : status_(status), message_(std::move(message)) {}
    int status() const noexcept { return status_; }
    const char* what() const noexcept override { return message_.c_str(); }

  private:
    int status_;
    std::string message_;
};

class Cli {
  public:
    // tls: the TLS flags as given (unset ones fall back to the environment).
    explicit Cli(std::string host_flag, client::TlsFlags tls = {});

    // The API client, created (and the version negotiated) on first use.
    client::ApiClient& api();
    const std::string& host_url() const { return host_url_; }
    // --config as given ("" when not): where config.json is (registry/config_file.hpp).
    void set_config_flag(std::string dir) { config_flag_ = std::move(dir); }
    const std::string& config_flag() const { return config_flag_; }

    void out(std::string_view text) const { std::fwrite(text.data(), 1, text.size(), stdout); }
    void err(std::string_view text) const { std::fwrite(text.data(), 1, text.size(), stderr); }
    void outln(std::string_view text) const {
        out(text);
        out("\n");
    }
    void errln(std::string_view text) const {
        err(text);
        err("\n");
    }

  private:
    std::string host_url_;
    client::TlsFlags tls_flags_;
    std::string config_flag_;
    std::unique_ptr<client::ApiClient> api_;
};

using CommandFn = int (*)(Cli&, const std::vector<std::string>&);

struct Command {
    const char* name;
    CommandFn run;
    const char* description;
};

// The top-level commands, and the management groups ("container", "image", "system").
const std::vector<Command>& top_level_commands();
const Command* find_command(std::string_view group, std::string_view name);
// "berth image" alone: the group's usage and subcommands; nullopt when `group` is not one.
std::optional<std::string> group_help(std::string_view group);

// Entry point: parses global flags, dispatches, prints errors, returns the exit status.
int run_cli(int argc, char** argv);

// Docker's "Error response from daemon: ..." for a DaemonError, the message itself otherwise.
std::string describe_error(const std::exception& e);

}  // namespace berth::cli
