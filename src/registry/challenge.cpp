#include "registry/challenge.hpp"

#include <cctype>

namespace berth::registry {

namespace {

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct Scanner {
    std::string_view s;
    size_t i = 0;
    void skip_space() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    }
    std::string token() {
        size_t start = i;
        while (i < s.size() && is_token_char(s[i])) ++i;
        return std::string(s.substr(start, i - start));
    }
    std::string quoted() {
        std::string out;
        ++i;  // opening quote
        while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            out += s[i++];
        }
        if (i < s.size()) ++i;
        return out;
    }
};

}  // namespace

std::vector<Challenge> parse_challenges(std::string_view header) {
    std::vector<Challenge> out;
    Scanner sc{header};
    while (sc.i < header.size()) {
        sc.skip_space();
        std::string scheme = sc.token();
        if (scheme.empty()) {
            ++sc.i;  // a stray comma or character: skip it
            continue;
        }
        Challenge ch{lower(scheme), {}};
        // Parameters: name=value pairs separated by commas, until the next scheme (a token
        // followed by a space rather than '=').
        for (;;) {
            sc.skip_space();
            size_t mark = sc.i;
            std::string name = sc.token();
            sc.skip_space();
            if (name.empty() || sc.i >= header.size() || header[sc.i] != '=') {
                sc.i = mark;
                break;
            }
            ++sc.i;
            sc.skip_space();
            std::string value =
                sc.i < header.size() && header[sc.i] == '"' ? sc.quoted() : sc.token();
            ch.params[lower(name)] = value;
            sc.skip_space();
            if (sc.i < header.size() && header[sc.i] == ',') ++sc.i;
        }
        out.push_back(std::move(ch));
    }
    return out;
}

}  // namespace berth::registry
