#include "cli/format/note.hpp"

namespace berth::cli {

std::string note_text(const std::string& text) {
    static const std::string kHeader = " Info -> ";
    std::string out = "\n" + kHeader;
    size_t start = 0;
    bool first = true;
    for (;;) {
        size_t nl = text.find('\n', start);
        if (!first) out += std::string(kHeader.size(), ' ');
        out += text.substr(start, nl == std::string::npos ? nl : nl - start) + "\n";
        first = false;
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

void print_note(std::FILE* out, const std::string& text) {
    std::string note = note_text(text);
    std::fwrite(note.data(), 1, note.size(), out);
}

}  // namespace berth::cli
