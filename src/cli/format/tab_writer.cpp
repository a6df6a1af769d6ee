#include "cli/format/tab_writer.hpp"

namespace berth::cli {

int rune_count(std::string_view text) {
    int n = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

void TabWriter::write(std::string_view text) {
    for (char c : text) {
        if (c == '\t') {
            lines_.back().push_back({cell_, rune_count(cell_)});
            cell_.clear();
        } else if (c == '\n') {
            lines_.back().push_back({cell_, rune_count(cell_)});
            cell_.clear();
            bool single = lines_.back().size() == 1;
            lines_.emplace_back();
            // A line with one cell cannot be part of a column block: format what we have.
            if (single) flush_block();
        } else {
            cell_ += c;
        }
    }
}

void TabWriter::flush_block() {
    // All complete lines (every line but the last, open one) are formatted and emitted.
    size_t complete = lines_.size() - 1;
    std::vector<int> widths;
    format(0, complete, widths);
    lines_.erase(lines_.begin(), lines_.begin() + static_cast<long>(complete));
}

void TabWriter::format(size_t line0, size_t line1, std::vector<int>& widths) {
    size_t column = widths.size();
    for (size_t i = line0; i < line1; ++i) {
        if (column + 1 >= lines_[i].size()) continue;
        // A cell in this column: lines before belong to the enclosing block.
        write_lines(line0, i, widths);
        line0 = i;
        int width = min_width_;
        for (; i < line1; ++i) {
            if (column + 1 >= lines_[i].size()) break;
            width = std::max(width, lines_[i][column].width + padding_);
        }
        widths.push_back(width);
        format(line0, i, widths);
        widths.pop_back();
        line0 = i;
        if (i >= line1) break;
        --i;  // re-examine line i in the loop
    }
    write_lines(line0, line1, widths);
}

void TabWriter::write_lines(size_t line0, size_t line1, const std::vector<int>& widths) {
    for (size_t i = line0; i < line1; ++i) {
        const Line& line = lines_[i];
        for (size_t j = 0; j < line.size(); ++j) {
            out_ += line[j].text;
            if (j < widths.size() && j + 1 < line.size())
                out_.append(static_cast<size_t>(std::max(0, widths[j] - line[j].width)), ' ');
        }
        out_ += '\n';
    }
}

std::string TabWriter::flush() {
    // The open last line (no newline yet) is formatted with the rest but gets no newline.
    bool partial = !cell_.empty() || !lines_.back().empty();
    if (partial) {
        lines_.back().push_back({cell_, rune_count(cell_)});
        cell_.clear();
        lines_.emplace_back();
    }
    flush_block();
    if (partial && !out_.empty() && out_.back() == '\n') out_.pop_back();
    lines_.assign(1, Line{});
    return std::move(out_);
}

}  // namespace berth::cli
