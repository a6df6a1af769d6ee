#include "cli/flags/flag_set.hpp"

#include <charconv>

namespace berth::cli {

namespace {
std::string& invoked_path() {
    static std::string path;
    return path;
}
}  // namespace

FlagSet::FlagSet(std::string path, std::string usage, std::string description)
    : path_(invoked_path().empty() ? std::move(path) : invoked_path()),
      usage_(std::move(usage)),
      description_(std::move(description)) {}

void FlagSet::set_invoked_path(std::string path) {
    invoked_path() = std::move(path);
}

UsageError FlagSet::usage_error(const std::string& message) const {
    return UsageError(message + "\n\n" + usage_line() + "\n\nRun '" + path_ +
                      " --help' for more information");
}

void FlagSet::boolean(bool* target, const std::string& name, char shorthand,
                      const std::string& help) {
    flags_.push_back({Kind::boolean, name, shorthand, help, "", target});
}
void FlagSet::string(std::string* target, const std::string& name, char shorthand,
                     const std::string& help, const std::string& type) {
    flags_.push_back({Kind::string, name, shorthand, help, type, target});
}
void FlagSet::strings(std::vector<std::string>* target, const std::string& name, char shorthand,
                      const std::string& help, const std::string& type) {
    flags_.push_back({Kind::strings, name, shorthand, help, type, target});
}
void FlagSet::integer(int64_t* target, const std::string& name, char shorthand,
                      const std::string& help) {
    flags_.push_back({Kind::integer, name, shorthand, help, "int", target});
}

FlagSet::Flag* FlagSet::find(std::string_view name) {
    for (auto& f : flags_)
        if (f.name == name) return &f;
    return nullptr;
}

FlagSet::Flag* FlagSet::find_short(char c) {
    for (auto& f : flags_)
        if (f.shorthand == c) return &f;
    return nullptr;
}

bool FlagSet::changed(std::string_view name) const {
    for (const auto& f : flags_)
        if (f.name == name) return f.changed;
    return false;
}

void FlagSet::fail(const std::string& message) const {
    throw usage_error(message);
}

void FlagSet::set(Flag& flag, const std::string& value, const std::string& spelled) {
    flag.changed = true;
    switch (flag.kind) {
        case Kind::boolean: {
            if (value == "true" || value == "1" || value == "t" || value == "T" ||
                value == "TRUE" || value == "True")
                *static_cast<bool*>(flag.target) = true;
            else if (value == "false" || value == "0" || value == "f" || value == "F" ||
                     value == "FALSE" || value == "False")
                *static_cast<bool*>(flag.target) = false;
            else
                fail("invalid argument \"" + value + "\" for \"" + spelled +
                     "\" flag: strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
            break;
        }
        case Kind::string:
            *static_cast<std::string*>(flag.target) = value;
            break;
        case Kind::strings:
            // docker's filter flag type checks the shape while parsing (exit 125).
            if (flag.type == "filter" && value.find('=') == std::string::npos)
                fail("invalid argument \"" + value + "\" for \"" + spelled +
                     "\" flag: bad format of filter (expected name=value)");
            static_cast<std::vector<std::string>*>(flag.target)->push_back(value);
            break;
        case Kind::integer: {
            int64_t v = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc() || p != value.data() + value.size() || value.empty())
                fail("invalid argument \"" + value + "\" for \"" + spelled +
                     "\" flag: strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
            *static_cast<int64_t*>(flag.target) = v;
            break;
        }
    }
}

std::vector<std::string> FlagSet::parse(const std::vector<std::string>& args) {
    std::vector<std::string> positional;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") {
            positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1,
                              args.end());
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            positional.push_back(arg);
            if (!interspersed_) {
                positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1,
                                  args.end());
                break;
            }
            continue;
        }
        if (arg[1] == '-') {
            std::string body = arg.substr(2);
            auto eq = body.find('=');
            std::string name = body.substr(0, eq);
            Flag* flag = find(name);
            if (flag == nullptr) {
                if (name == "help") {
                    help_ = true;
                    continue;
                }
                fail("unknown flag: --" + name);
            }
            std::string spelled =
                (flag->shorthand ? std::string("-") + flag->shorthand + ", " : "") + "--" +
                flag->name;
            if (eq != std::string::npos) {
                set(*flag, body.substr(eq + 1), spelled);
            } else if (flag->kind == Kind::boolean) {
                set(*flag, "true", spelled);
            } else {
                if (i + 1 >= args.size()) fail("flag needs an argument: --" + name);
                set(*flag, args[++i], spelled);
            }
            continue;
        }
        // Shorthands: a cluster of booleans, possibly ending in one that takes a value.
        for (size_t k = 1; k < arg.size(); ++k) {
            char c = arg[k];
            Flag* flag = find_short(c);
            if (flag == nullptr) {
                if (c == 'h') {
                    help_ = true;
                    continue;
                }
                fail(std::string("unknown shorthand flag: '") + c + "' in " + arg);
            }
            std::string spelled = std::string("-") + c + ", --" + flag->name;
            if (flag->kind == Kind::boolean) {
                if (k + 1 < arg.size() && arg[k + 1] == '=') {
                    set(*flag, arg.substr(k + 2), spelled);
                    break;
                }
                set(*flag, "true", spelled);
                continue;
            }
            if (k + 1 < arg.size()) {
                size_t start = arg[k + 1] == '=' ? k + 2 : k + 1;
                set(*flag, arg.substr(start), spelled);
            } else {
                if (i + 1 >= args.size())
                    fail(std::string("flag needs an argument: '") + c + "' in -" + c);
                set(*flag, args[++i], spelled);
            }
            break;
        }
    }
    return positional;
}

std::string FlagSet::help_text() const {
    std::string out = usage_line() + "\n\n";
    if (!description_.empty()) out += description_ + "\n\n";
    if (flags_.empty()) return out;
    out += "Options:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    size_t width = 0;
    for (const auto& f : flags_) {
        std::string left = f.shorthand ? std::string("  -") + f.shorthand + ", " : "      ";
        left += "--" + f.name;
        if (f.kind != Kind::boolean) left += " " + f.type;
        width = std::max(width, left.size());
        rows.emplace_back(left, f.help);
    }
    for (const auto& [left, help] : rows)
        out += left + std::string(width - left.size() + 3, ' ') + help + "\n";
    return out;
}

namespace {
std::string plural(size_t n) {
    return n == 1 ? "argument" : "arguments";
}
}  // namespace

// docker/cli's cli/required.go wording, including where it says "See" and where "Run" (min
// args says "See", the others "Run"; its at-most message has a stray "S" we do not copy).
void FlagSet::require_min_args(const std::vector<std::string>& args, size_t n) const {
    if (args.size() >= n) return;
    throw ArgsError("'" + path_ + "' requires at least " + std::to_string(n) + " " + plural(n) +
                    "\n\n" + usage_line() + "\n\nSee '" + path_ + " --help' for more information");
}

void FlagSet::require_exact_args(const std::vector<std::string>& args, size_t n) const {
    if (args.size() == n) return;
    throw ArgsError("'" + path_ + "' requires " + std::to_string(n) + " " + plural(n) + "\n\n" +
                    usage_line() + "\n\nRun '" + path_ + " --help' for more information");
}

void FlagSet::require_max_args(const std::vector<std::string>& args, size_t n) const {
    if (args.size() <= n) return;
    throw ArgsError("'" + path_ + "' requires at most " + std::to_string(n) + " " + plural(n) +
                    "\n\n" + usage_line() + "\n\nRun '" + path_ + " --help' for more information");
}

void FlagSet::require_range_args(const std::vector<std::string>& args, size_t min,
                                 size_t max) const {
    if (args.size() >= min && args.size() <= max) return;
    throw ArgsError("'" + path_ + "' requires at least " + std::to_string(min) + " and at most " +
                    std::to_string(max) + " " + plural(max) + "\n\n" + usage_line() + "\n\nRun '" +
                    path_ + " --help' for more information");
}

void FlagSet::require_no_args(const std::vector<std::string>& args) const {
    if (args.empty()) return;
    throw ArgsError("'" + path_ + "' accepts no arguments\n\n" + usage_line() + "\n\nRun '" +
                    path_ + " --help' for more information");
}

}  // namespace berth::cli
