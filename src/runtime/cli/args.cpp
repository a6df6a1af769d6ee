#include "runtime/cli/args.hpp"

#include <signal.h>
#include <string.h>

#include <cctype>

#include "common/error.hpp"

namespace berth::runtime::cli {

Args::Args(const std::string& command, const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs,
           size_t options_end_after)
    : command_(command) {
    auto find = [&](const std::string& name) -> const OptionSpec* {
        for (const auto& s : specs) {
            for (const auto& n : s.names) {
                if (n == name) return &s;
            }
        }
        return nullptr;
    };
    bool only_positionals = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (only_positionals || a.size() < 2 || a[0] != '-') {
            positionals_.push_back(a);
            if (options_end_after && positionals_.size() >= options_end_after) only_positionals = true;
            continue;
        }
        if (a == "--") {
            only_positionals = true;
            continue;
        }
        std::string name = a, inline_value;
        bool has_inline = false;
        if (auto eq = a.find('='); eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
            has_inline = true;
        }
        // urfave/cli (runc's parser) accepts -name for --name too.
        const OptionSpec* spec = find(name);
        if (!spec && name.size() > 2 && name[1] != '-') spec = find("-" + name);
        if (!spec) throw Error(Errc::invalid_argument, command_ + ": unknown flag " + name);
        const std::string& canonical = spec->names[0];
        if (spec->takes_value) {
            if (!has_inline) {
                if (i + 1 >= argv.size()) throw Error(Errc::invalid_argument, command_ + ": flag " + name + " needs a value");
                inline_value = argv[++i];
            }
            values_[canonical].push_back(inline_value);
        } else {
            if (has_inline && inline_value != "true" && inline_value != "false") {
                throw Error(Errc::invalid_argument, command_ + ": flag " + name + " takes no value");
            }
            values_[canonical].push_back(has_inline ? inline_value : "true");
        }
    }
}

bool Args::flag(const std::string& name) const {
    auto it = values_.find(name);
    return it != values_.end() && it->second.back() == "true";
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second.back();
}

std::string Args::value_or(const std::string& name, const std::string& fallback) const {
    return value(name).value_or(fallback);
}

std::vector<std::string> Args::values(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

void Args::require_positionals(size_t min, size_t max, const std::string& usage) const {
    if (positionals_.size() < min || positionals_.size() > max) {
        throw Error(Errc::invalid_argument, "usage: berth-runtime " + command_ + " " + usage);
    }
}

std::string Args::id() const {
    if (positionals_.empty()) throw Error(Errc::invalid_argument, command_ + ": the container id is required");
    return positionals_[0];
}

long long parse_size(const std::string& text, const std::string& what) {
    if (text == "-1") return -1;
    size_t pos = 0;
    long long n = 0;
    try {
        n = std::stoll(text, &pos);
    } catch (...) {
        throw Error(Errc::invalid_argument, what + ": invalid size \"" + text + "\"");
    }
    std::string unit = text.substr(pos);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    long long mult = 1;
    if (unit == "k") mult = 1LL << 10;
    else if (unit == "m") mult = 1LL << 20;
    else if (unit == "g") mult = 1LL << 30;
    else if (unit == "t") mult = 1LL << 40;
    else if (!unit.empty()) throw Error(Errc::invalid_argument, what + ": invalid size unit in \"" + text + "\"");
    return n * mult;
}

unsigned parse_count(const std::string& text, const std::string& flag) {
    char* end = nullptr;
    unsigned long n = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end || text[0] == '-' || n > 1024) {
        throw Error(Errc::invalid_argument, flag + ": expected a count from 0 to 1024, got \"" + text + "\"");
    }
    return static_cast<unsigned>(n);
}

int parse_signal(const std::string& text) {
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
        int n = std::atoi(text.c_str());
        if (n > 0 && n < NSIG) return n;
        throw Error(Errc::invalid_argument, "invalid signal \"" + text + "\"");
    }
    std::string name = text;
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    for (int sig = 1; sig < NSIG; ++sig) {
        const char* abbrev = sigabbrev_np(sig);
        if (abbrev && name == abbrev) return sig;
    }
    if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
        int base = name[2] == 'M' && name[3] == 'I' ? SIGRTMIN : SIGRTMAX;
        int off = name.size() > 5 ? std::atoi(name.c_str() + 5) : 0;
        return base + off;
    }
    throw Error(Errc::invalid_argument, "invalid signal \"" + text + "\"");
}

}  // namespace berth::runtime::cli
