#pragma once
// Flags with Docker's (pflag's) grammar: --name=value, --name value, -n value, -nvalue,
// clustered booleans (-itd), --flag=false, "--" ends flags; with interspersing off, the first
// positional (the image of `run`) ends flags so `berth run busybox ls -l` passes -l to ls.
// Errors read as Docker's and exit 125.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace berth::cli {

// A command-line mistake: printed with the command's usage line, exit status 125.
class UsageError : public Error {
  public:
    explicit UsageError(std::string message) : Error(Errc::invalid_argument, std::move(message)) {}
};

class FlagSet {
  public:
    // `path` is "berth run"; `usage` the rest of the usage line ("[OPTIONS] IMAGE [COMMAND]
    // [ARG...]").
    FlagSet(std::string path, std::string usage, std::string description = "");

    // The command path as typed, for flag sets made after this call: "berth image ls" runs
    // the flags of "berth images" and must name itself as typed in usage errors (as docker).
    static void set_invoked_path(std::string path);
    // A UsageError (exit 125) for a bad flag value found after parsing, with the usage lines.
    UsageError usage_error(const std::string& message) const;

    void boolean(bool* target, const std::string& name, char shorthand, const std::string& help);
    void string(std::string* target, const std::string& name, char shorthand,
                const std::string& help, const std::string& type = "string");
    // Repeatable: every occurrence appends.
    void strings(std::vector<std::string>* target, const std::string& name, char shorthand,
                 const std::string& help, const std::string& type = "list");
    void integer(int64_t* target, const std::string& name, char shorthand, const std::string& help);
    // Hidden aliases and deprecated spellings are not needed: keep the set small.

    void set_interspersed(bool value) { interspersed_ = value; }

    // Returns the positional arguments; throws UsageError.
    std::vector<std::string> parse(const std::vector<std::string>& args);

    bool changed(std::string_view name) const;
    bool help_requested() const { return help_; }
    std::string help_text() const;
    const std::string& path() const { return path_; }
    std::string usage_line() const { return "Usage:  " + path_ + " " + usage_; }

    // Checks the positional count as Docker's cli.RequiresMinArgs / ExactArgs / NoArgs do and
    // throws a StatusError-like UsageError with Docker's wording (exit status 1).
    void require_min_args(const std::vector<std::string>& args, size_t n) const;
    void require_exact_args(const std::vector<std::string>& args, size_t n) const;
    void require_no_args(const std::vector<std::string>& args) const;
    void require_max_args(const std::vector<std::string>& args, size_t n) const;
    void require_range_args(const std::vector<std::string>& args, size_t min, size_t max) const;

  private:
    enum class Kind { boolean, string, strings, integer };
    struct Flag {
        Kind kind;
        std::string name;
        char shorthand;
        std::string help;
        std::string type;
        void* target;
        bool changed = false;
    };
    Flag* find(std::string_view name);
    Flag* find_short(char c);
    void set(Flag& flag, const std::string& value, const std::string& spelled);
    [[noreturn]] void fail(const std::string& message) const;

    std::string path_, usage_, description_;
    std::vector<Flag> flags_;
    bool interspersed_ = true;
    bool help_ = false;
};

// An argument-count mistake: Docker prints it and exits 1 (not 125).
class ArgsError : public Error {
  public:
    explicit ArgsError(std::string message) : Error(Errc::invalid_argument, std::move(message)) {}
};

}  // namespace berth::cli
