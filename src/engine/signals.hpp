#pragma once
// Signal names as Docker accepts them: "SIGTERM", "TERM", "15"; invalid_argument otherwise.
#include <string>

namespace berth::engine {

int parse_signal(const std::string& text);
std::string signal_name(int signal);  // "SIGTERM"

}  // namespace berth::engine
