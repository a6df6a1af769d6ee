#include "cli/stream/json_messages.hpp"

#include <unistd.h>

#include <ctime>

#include "cli/format/units.hpp"
#include "cli/stream/terminal.hpp"
#include "common/duration_format.hpp"

namespace berth::cli {

using client::Json;

namespace {

constexpr int64_t kSecond = 1'000'000'000;

// The control sequences jsonmessage writes (ANSI, not terminfo: docker stopped asking terminfo).
constexpr std::string_view kEraseLine = "\x1b[2K";

std::string cursor_move(unsigned lines, char direction) {
    if (lines == 0) return "";
    return "\x1b[" + std::to_string(lines) + direction;
}

std::string go_percent_v(const std::string& text, size_t width) {
    // fmt's %8v: right-aligned in 8 columns, never cut.
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string size_text(int64_t bytes) {
    return human_size(static_cast<double>(bytes), 4);  // units.HumanSize
}

// time.Unix(...).Format(RFC3339NanoFixed) in local time.
std::string fixed_time(int64_t seconds, int64_t nanos) {
    time_t t = static_cast<time_t>(seconds);
    tm local{};
    localtime_r(&t, &local);
    char head[32], frac[16];
    std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &local);
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos));
    std::string out = std::string(head) + frac;
    long offset = local.tm_gmtoff;
    if (offset == 0) return out + "Z";
    char zone[24];
    char sign = offset < 0 ? '-' : '+';
    if (offset < 0) offset = -offset;
    std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", sign, offset / 3600, (offset / 60) % 60);
    return out + zone;
}

int64_t int_member(const Json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return 0;
    return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}

std::string string_member(const Json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string progress_text(const JsonProgress& p, int width, int64_t now) {
    if (p.current <= 0 && p.total <= 0) return "";
    if (p.total <= 0) {
        if (p.units.empty()) return go_percent_v(size_text(p.current), 8);
        return std::to_string(p.current) + " " + p.units;
    }
    int percentage =
        static_cast<int>(static_cast<double>(p.current) / static_cast<double>(p.total) * 100) / 2;
    if (percentage > 50) percentage = 50;
    std::string bar;
    if (width > 110) {
        int spaces = 50 - percentage > 0 ? 50 - percentage : 0;
        bar = "[" + std::string(static_cast<size_t>(percentage), '=') + ">" +
              std::string(static_cast<size_t>(spaces), ' ') + "] ";
    }
    std::string numbers;
    if (p.hide_counts) {
    } else if (p.units.empty()) {
        numbers = go_percent_v(size_text(p.current), 8) + "/" + size_text(p.total);
        if (p.current > p.total) numbers = go_percent_v(size_text(p.current), 8);
    } else {
        numbers = std::to_string(p.current) + "/" + std::to_string(p.total) + " " + p.units;
        if (p.current > p.total) numbers = std::to_string(p.current) + " " + p.units;
    }
    std::string time_left;
    if (p.current > 0 && p.start > 0 && percentage < 50) {
        // Go's Duration arithmetic: per entry in whole nanoseconds, truncated to seconds.
        int64_t from_start = (now - p.start) * kSecond;
        int64_t per_entry = from_start / p.current;
        int64_t left = (p.total - p.current) * per_entry;
        left = (left / kSecond) * kSecond;
        if (width > 50) time_left = " " + format_go_duration(left);
    }
    return bar + numbers + time_left;
}

JsonMessagePrinter::JsonMessagePrinter(std::FILE* out, JsonStreamOptions options)
    : out_(out), options_(std::move(options)) {
    if (out_ == nullptr) options_.terminal = false;
}

JsonStreamOptions JsonMessagePrinter::for_stream(std::FILE* out) {
    JsonStreamOptions options;
    if (out != nullptr) {
        int fd = ::fileno(out);
        options.terminal = ::isatty(fd) == 1;
        options.terminal_fd = fd;
    }
    return options;
}

int JsonMessagePrinter::width() const {
    if (options_.width) return options_.width();
    if (options_.terminal_fd >= 0)
        if (auto size = window_size(options_.terminal_fd); size && size->cols > 0)
            return size->cols;
    return 200;
}

void JsonMessagePrinter::write(std::string_view text) {
    if (out_ != nullptr) std::fwrite(text.data(), 1, text.size(), out_);
}

void JsonMessagePrinter::feed(std::string_view chunk) {
    pending_.append(chunk);
    size_t start = 0;
    for (;;) {
        size_t nl = pending_.find('\n', start);
        if (nl == std::string::npos) break;
        std::string_view line(pending_.data() + start, nl - start);
        start = nl + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.empty()) continue;
        Json msg = Json::parse(line, nullptr, false);
        if (msg.is_discarded() || !msg.is_object())
            throw Error(Errc::internal,
                        "invalid message in the daemon's progress stream: " + std::string(line));
        try {
            handle(msg);
        } catch (...) {
            pending_.erase(0, start);
            if (out_ != nullptr) std::fflush(out_);
            throw;
        }
    }
    pending_.erase(0, start);
    if (out_ != nullptr) std::fflush(out_);
}

void JsonMessagePrinter::finish() {
    std::string rest;
    rest.swap(pending_);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r' || rest.back() == '\n'))
        rest.pop_back();
    if (rest.empty()) return;
    feed(rest + "\n");
}

void JsonMessagePrinter::handle(const Json& msg) {
    if (auto aux = msg.find("aux"); aux != msg.end() && !aux->is_null()) {
        if (options_.on_aux) options_.on_aux(*aux);
        return;
    }
    JsonProgress progress;
    bool has_progress = false;
    if (auto detail = msg.find("progressDetail"); detail != msg.end() && detail->is_object()) {
        has_progress = true;
        progress.current = int_member(*detail, "current");
        progress.total = int_member(*detail, "total");
        progress.start = int_member(*detail, "start");
        progress.hide_counts = detail->value("hidecounts", false);
        progress.units = string_member(*detail, "units");
    }
    std::string id = string_member(msg, "id");
    unsigned diff = 0;
    if (!id.empty() && (has_progress || !string_member(msg, "progress").empty())) {
        auto it = ids_.find(id);
        unsigned line;
        if (it == ids_.end()) {
            // A new layer gets a line of its own below the others.
            line = static_cast<unsigned>(ids_.size());
            ids_[id] = line;
            if (options_.terminal) write("\n");
        } else {
            line = it->second;
        }
        diff = static_cast<unsigned>(ids_.size()) - line;
        if (options_.terminal) write(cursor_move(diff, 'A'));
    } else {
        // Anything that is not a layer's progress starts a new block (pull -a: the next tag).
        ids_.clear();
    }
    display(msg, has_progress, progress);
    if (!id.empty() && options_.terminal) write(cursor_move(diff, 'B'));
}

void JsonMessagePrinter::display(const Json& msg, bool has_progress, const JsonProgress& progress) {
    if (auto err = msg.find("errorDetail"); err != msg.end() && err->is_object()) {
        throw StreamError(string_member(*err, "message"),
                          static_cast<int>(int_member(*err, "code")));
    }
    std::string stream = string_member(msg, "stream");
    std::string status = string_member(msg, "status");
    int64_t now = options_.now ? options_.now() : static_cast<int64_t>(std::time(nullptr));
    std::string endl;
    if (options_.terminal && stream.empty() && has_progress) {
        write(kEraseLine);
        endl = "\r";
        write(endl);
    } else if (has_progress && !progress_text(progress, width(), now).empty()) {
        return;  // progress bars are for terminals
    }
    int64_t time_nano = int_member(msg, "timeNano"), time_sec = int_member(msg, "time");
    if (time_nano != 0)
        write(fixed_time(time_nano / kSecond, time_nano % kSecond) + " ");
    else if (time_sec != 0)
        write(fixed_time(time_sec, 0) + " ");
    std::string id = string_member(msg, "id");
    if (!id.empty()) write(id + ": ");
    std::string from = string_member(msg, "from");
    if (!from.empty()) write("(from " + from + ") ");
    std::string progress_message = string_member(msg, "progress");
    if (has_progress && options_.terminal)
        write(status + " " + progress_text(progress, width(), now) + endl);
    else if (!progress_message.empty())
        write(status + " " + progress_message + endl);
    else if (!stream.empty())
        write(stream + endl);
    else
        write(status + endl + "\n");
}

void print_json_stream(std::string_view stream, std::FILE* out, JsonStreamOptions options) {
    JsonMessagePrinter printer(out, std::move(options));
    printer.feed(stream);
    printer.finish();
}

}  // namespace berth::cli
