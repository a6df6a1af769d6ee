#pragma once
// Go spells errno texts in lower case ("permission denied"), strerror() capitalises them
// ("Permission denied"). Start and exec errors reach docker clients that look for Go's text to
// choose their exit status (126 cannot invoke, 127 not found); with the capital letter the
// docker CLI fell back to 125.
#include <string>
#include <utility>

namespace berth::engine {

inline std::string go_errno_text(std::string message) {
    static const std::pair<const char*, const char*> kTexts[] = {
        {"Permission denied", "permission denied"},
        {"No such file or directory", "no such file or directory"},
        {"Is a directory", "is a directory"},
        {"Exec format error", "exec format error"},
    };
    for (const auto& [from, to] : kTexts) {
        for (auto at = message.find(from); at != std::string::npos; at = message.find(from, at))
            message.replace(at, std::string(from).size(), to);
    }
    return message;
}

}  // namespace berth::engine
