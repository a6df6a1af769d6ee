#pragma once
// Go's text/tabwriter as Docker configures it: tab-terminated cells aligned in columns, a
// column as wide as its widest cell plus padding (at least minwidth); the text after a line's
// last tab is not a cell; a line without tabs ends the block of aligned lines.
#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

class TabWriter {
  public:
    TabWriter(int min_width, int padding) : min_width_(min_width), padding_(padding) {}
    void write(std::string_view text);
    // Formats everything written so far and returns it.
    std::string flush();

  private:
    struct Cell {
        std::string text;
        int width = 0;
    };
    using Line = std::vector<Cell>;
    void format(size_t line0, size_t line1, std::vector<int>& widths);
    void write_lines(size_t line0, size_t line1, const std::vector<int>& widths);
    void flush_block();

    int min_width_;
    int padding_;
    std::vector<Line> lines_{Line{}};
    std::string cell_;
    std::string out_;
};

// Display width in runes (Go's tabwriter counts runes, not bytes).
int rune_count(std::string_view text);

}  // namespace berth::cli
