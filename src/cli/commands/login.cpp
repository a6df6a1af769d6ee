// `berth login` and `berth logout`, as docker 28's: POST /auth checks the login against the
// registry (through berthd), and the credentials are kept in config.json or a credential helper.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <iterator>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/registry_auth.hpp"
#include "cli/format/note.hpp"
#include "cli/registry/auth_config.hpp"
#include "client/errors.hpp"

namespace berth::cli {

namespace {

constexpr const char* kRegisterSuggest =
    "Log in with your Docker ID or email address to push and pull images from Docker Hub. "
    "If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.";
constexpr const char* kPatSuggest =
    "You can log in with your password or a Personal Access Token (PAT). Using a limited-scope "
    "PAT grants better security and is required for organizations using SSO. Learn more at "
    "https://docs.docker.com/go/access-tokens/";

struct LoginOptions {
    std::string server, user, password;
    bool password_stdin = false;
};

std::string trim_space(std::string s) {
    size_t start = s.find_first_not_of(" \t\r\n\v\f");
    if (start == std::string::npos) return "";
    size_t end = s.find_last_not_of(" \t\r\n\v\f");
    return s.substr(start, end - start + 1);
}

// prompt.ReadInput: the prompt on stdout, one line from stdin, trimmed.
std::string read_input(const std::string& prompt) {
    std::fputs(prompt.c_str(), stdout);
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line) && line.empty()) throw Error(Errc::invalid_argument, "EOF");
    return trim_space(line);
}

// Echo off while the password is typed; restored on every way out.
class NoEcho {
  public:
    NoEcho() {
        if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
    ~NoEcho() {
        if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

  private:
    termios saved_{};
    bool active_ = false;
};

bool hints_enabled() {
    const char* v = std::getenv("DOCKER_CLI_HINTS");
    if (v == nullptr || *v == '\0') return true;
    std::string s = v;
    return !(s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False");
}

// command.PromptUserForCredentials
AuthConfig prompt_for_credentials(Cli& cli, std::string user, std::string password,
                                  const std::string& default_user, const std::string& server) {
    user = trim_space(user);
    if (user.empty()) {
        if (server == kIndexServer) {
            cli.outln(kRegisterSuggest);
            if (hints_enabled()) {
                cli.outln(kPatSuggest);
                cli.outln("");
            }
        }
        std::string fallback = trim_space(default_user);
        user = read_input(fallback.empty() ? "Username: " : "Username (" + fallback + "): ");
        if (user.empty()) user = fallback;
        if (user.empty()) throw Error(Errc::invalid_argument, "Error: Non-null Username Required");
    }
    if (trim_space(password).empty()) {
        NoEcho no_echo;
        if (server == kIndexServer) {
            std::fflush(stdout);
            print_note(stderr,
                       "A Personal Access Token (PAT) can be used instead.\nTo create a PAT, visit "
                       "\x1b[4mhttps://app.docker.com/settings\x1b[0m\n\n");
        }
        password = read_input("Password: ");
        cli.outln("");
        if (password.empty()) throw Error(Errc::invalid_argument, "Error: Password Required");
    }
    AuthConfig auth;
    auth.username = user;
    auth.password = password;
    auth.server_address = server;
    return auth;
}

struct LoginResult {
    std::string status, identity_token;
};

// RegistryLogin: POST /auth with the login; the daemon asks the registry.
LoginResult registry_login(Cli& cli, const AuthConfig& auth) {
    AuthConfig sent;
    sent.username = auth.username;
    sent.password = auth.password;
    sent.server_address = auth.server_address;
    sent.identity_token = auth.identity_token;
    sent.registry_token = auth.registry_token;
    client::Json body = cli.api().post_json("/auth", {}, auth_config_json(sent));
    LoginResult result;
    if (body.is_object()) {
        if (auto s = body.find("Status"); s != body.end() && s->is_string())
            result.status = s->get<std::string>();
        if (auto t = body.find("IdentityToken"); t != body.end() && t->is_string())
            result.identity_token = t->get<std::string>();
    }
    return result;
}

void store_credentials(Cli& cli, Credentials& credentials, const AuthConfig& auth) {
    bool clear_text = false;
    try {
        clear_text = credentials.store(auth);
    } catch (const std::exception& e) {
        throw Error(Errc::internal, std::string("Error saving credentials: ") + e.what());
    }
    if (clear_text) {
        std::fflush(stdout);
        cli.errln("\nWARNING! Your credentials are stored unencrypted in '" +
                  credentials.filename() +
                  "'.\nConfigure a credential helper to remove this warning. See\n"
                  "https://docs.docker.com/go/credential-store/\n");
    }
}

// loginWithStoredCredentials: a login kept from before is tried first when no -u/-p is given.
bool login_with_stored(Cli& cli, Credentials& credentials, AuthConfig auth, std::string& status) {
    std::fflush(stdout);
    cli.err("Authenticating with existing credentials...");
    if (!auth.username.empty()) cli.err(" [Username: " + auth.username + "]");
    cli.err("\n");
    print_note(stderr,
               "To login with a different account, run 'berth logout' followed by 'berth login'");
    cli.err("\n\n");
    LoginResult result;
    bool ok = true;
    try {
        result = registry_login(cli, auth);
    } catch (const client::ConnectError&) {
        throw;
    } catch (const client::DaemonError& e) {
        if (e.status() == 401)
            cli.errln("Stored credentials invalid or expired");
        else
            cli.errln("Login did not succeed, error: " + describe_error(e));
        ok = false;
    }
    if (!result.identity_token.empty()) {
        auth.password.clear();
        auth.identity_token = result.identity_token;
    }
    store_credentials(cli, credentials, auth);
    status = result.status;
    return ok;
}

std::string login_user(Cli& cli, Credentials& credentials, const LoginOptions& o,
                       const std::string& default_user, const std::string& server) {
    // `cat | berth login` cannot prompt: docker refuses rather than read a password from a pipe.
    if ((o.user.empty() || o.password.empty()) && !is_terminal(STDIN_FILENO))
        throw Error(Errc::invalid_argument,
                    "Error: Cannot perform an interactive login from a non TTY device");
    AuthConfig auth = prompt_for_credentials(cli, o.user, o.password, default_user, server);
    LoginResult result = registry_login(cli, auth);
    if (!result.identity_token.empty()) {
        auth.password.clear();
        auth.identity_token = result.identity_token;
    }
    store_credentials(cli, credentials, auth);
    return result.status;
}

}  // namespace

int cmd_login(Cli& cli, const Args& args) {
    LoginOptions o;
    FlagSet flags("berth login", "[OPTIONS] [SERVER]",
                  "Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.");
    flags.string(&o.password, "password", 'p', "Password or Personal Access Token (PAT)");
    flags.boolean(&o.password_stdin, "password-stdin", 0,
                  "Take the Password or Personal Access Token (PAT) from stdin");
    flags.string(&o.user, "username", 'u', "Username");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_max_args(*pos, 1);
    if (!pos->empty()) o.server = (*pos)[0];

    // verifyLoginFlags
    if (flags.changed("password-stdin")) {
        if (flags.changed("password"))
            throw Error(Errc::invalid_argument,
                        "conflicting options: cannot specify both --password and --password-stdin");
        if (!flags.changed("username"))
            throw Error(Errc::invalid_argument,
                        "the --password-stdin option requires --username to be set");
    }
    if (flags.changed("username") && o.user.empty())
        throw Error(Errc::invalid_argument, "username is empty");
    if (flags.changed("password") && o.password.empty())
        throw Error(Errc::invalid_argument, "password is empty");
    // verifyLoginOptions
    if (!o.password.empty())
        cli.errln("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
    if (o.password_stdin) {
        std::string contents((std::istreambuf_iterator<char>(std::cin)),
                             std::istreambuf_iterator<char>());
        if (!contents.empty() && contents.back() == '\n') contents.pop_back();
        if (!contents.empty() && contents.back() == '\r') contents.pop_back();
        o.password = contents;
    }

    // Docker Hub by any of its names is the default registry's key; others are host[:port].
    std::string server = kIndexServer;
    if (!o.server.empty()) server = auth_config_key(convert_to_hostname(o.server));

    Credentials credentials = load_credentials(cli);
    std::string status;
    bool done = false;
    if (o.user.empty() && o.password.empty()) {
        // As docker: a helper that fails here only means there is no stored login to try.
        AuthConfig stored;
        try {
            stored = credentials.get(server);
        } catch (const Error&) {
        }
        stored.identity_token.clear();
        stored.server_address = server;
        if (!stored.username.empty() && !stored.password.empty())
            done = login_with_stored(cli, credentials, stored, status);
        if (!done) status = login_user(cli, credentials, o, stored.username, server);
    } else {
        status = login_user(cli, credentials, o, "", server);
    }
    if (!status.empty()) cli.outln(status);
    return 0;
}

int cmd_logout(Cli& cli, const Args& args) {
    FlagSet flags("berth logout", "[SERVER]",
                  "Log out from a registry.\nIf no server is specified, the default is defined by "
                  "the daemon.");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_max_args(*pos, 1);
    std::string server = pos->empty() ? std::string(kIndexServer) : (*pos)[0];
    std::string hostname = server;
    std::vector<std::string> keys{server};
    if (!pos->empty()) {
        hostname = convert_to_hostname(server);
        if (auth_config_key(hostname) == kIndexServer) {
            // docker.io, index.docker.io...: the key the login was stored under.
            hostname = kIndexServer;
            keys = {kIndexServer, server};
        } else {
            // Older clients stored a server under its URL: those go too.
            keys.insert(keys.end(), {hostname, "http://" + hostname, "https://" + hostname});
        }
    }
    cli.outln("Removing login credentials for " + hostname);
    Credentials credentials = load_credentials(cli);
    std::vector<std::pair<std::string, std::string>> errors;
    for (const auto& key : keys) {
        try {
            credentials.erase(key);
        } catch (const std::exception& e) {
            errors.emplace_back(key, e.what());
        }
    }
    if (errors.size() == keys.size()) {
        std::fflush(stdout);
        cli.errln("WARNING: could not erase credentials:");
        for (const auto& [key, message] : errors) cli.errln(key + ": " + message);
    }
    return 0;
}

}  // namespace berth::cli
