#pragma once
// runc-style command-line parsing: `--name value`, `--name=value`, `-n value`, boolean flags,
// positionals, and "--" or a positional limit after which everything is positional (exec ARGS).
// Hand-rolled rather than CLI11: it keeps berth-runtime's start-up and binary small.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime::cli {

struct OptionSpec {
    std::vector<std::string> names;  // {"--bundle", "-b"}; the first is the canonical name
    bool takes_value = false;
};

class Args {
public:
    // `options_end_after`: after this many positionals, the rest are positional (0 = never).
    Args(const std::string& command, const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
         size_t options_end_after = 0);

    bool flag(const std::string& name) const;
    std::optional<std::string> value(const std::string& name) const;
    std::string value_or(const std::string& name, const std::string& fallback) const;
    std::vector<std::string> values(const std::string& name) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    // The id argument: exactly one positional first; errors name the command.
    std::string id() const;
    void require_positionals(size_t min, size_t max, const std::string& usage) const;

private:
    std::string command_;
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positionals_;
};

// Sizes as runc and docker accept them: "1048576", "100m", "1G", "512k".
long long parse_size(const std::string& text, const std::string& what);
int parse_signal(const std::string& text);
// A non-negative count; errors name the flag.
unsigned parse_count(const std::string& text, const std::string& flag);

}  // namespace berth::runtime::cli
