#include "client/query.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace berth::client {

namespace {

std::string escape(std::string_view text, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::string url_escape(std::string_view text) {
    return escape(text, false);
}
std::string path_escape(std::string_view text) {
    return escape(text, true);
}

Query& Query::add(std::string key, std::string value) {
    params_.emplace_back(std::move(key), std::move(value));
    return *this;
}

Query& Query::add_if(bool condition, std::string key, std::string value) {
    if (condition) add(std::move(key), std::move(value));
    return *this;
}

Query& Query::flag(std::string key, bool value) {
    if (value) add(std::move(key), "1");
    return *this;
}

std::string Query::str() const {
    std::string out;
    for (const auto& [key, value] : params_) {
        out += out.empty() ? '?' : '&';
        out += url_escape(key);
        out += '=';
        out += url_escape(value);
    }
    return out;
}

void Filters::add_arg(std::string_view arg) {
    auto eq = arg.find('=');
    if (eq == std::string_view::npos || eq == 0)
        throw Error(Errc::invalid_argument, "bad format of filter (expected name=value)");
    std::string key(arg.substr(0, eq));
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Docker trims spaces around the key and the value.
    while (!key.empty() && key.back() == ' ') key.pop_back();
    std::string value(arg.substr(eq + 1));
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    add(std::move(key), std::move(value));
}

std::string Filters::to_json() const {
    nlohmann::json doc = nlohmann::json::object();
    for (const auto& [key, values] : args_) {
        nlohmann::json set = nlohmann::json::object();
        for (const auto& value : values) set[value] = true;
        doc[key] = std::move(set);
    }
    return doc.dump();
}

}  // namespace berth::client
