#pragma once
// docker's tui.Output.PrintNote: "\n Info -> first line\n" with the following lines indented
// under it. (docker colours it on a terminal; berth prints the plain form everywhere.)
#include <cstdio>
#include <string>

namespace berth::cli {

std::string note_text(const std::string& text);
void print_note(std::FILE* out, const std::string& text);

}  // namespace berth::cli
