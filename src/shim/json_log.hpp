#pragma once
// Docker's json-file log driver: one JSON object per line,
//   {"log":"hello\n","stream":"stdout","time":"2024-01-02T03:04:05.123456789Z"}
// Output is cut at newlines (a line longer than 16 KiB is written in 16 KiB pieces without
// the newline, as Docker does). With max_size, the file rotates to <path>.1 ... <path>.N-1
// once it has reached max_size (max_file == 1 truncates it instead).
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "common/unique_fd.hpp"

namespace berth::shim {

struct LogOptions {
    uint64_t max_size = 0;  // bytes; 0: unbounded
    int max_file = 1;
    // The json-file driver's extra attributes (--log-opt labels/env/...), a JSON object's text
    // written as "attrs" into every line, as dockerd's; empty: none.
    std::string attrs_json;
};

// "10m", "1k", "3g", "100" (bytes) -> bytes; throws invalid_argument.
uint64_t parse_log_size(const std::string& text);

// Appends one Docker json-log line (with the trailing newline) to `out`.
void append_json_log_line(std::string& out, std::string_view message, std::string_view stream,
                          const timespec& time, std::string_view attrs_json = {});

class JsonFileLog {
public:
    JsonFileLog(std::string path, LogOptions options);
    // Bytes of `stream` (1 stdout, 2 stderr) as they arrive; complete lines are written.
    void write(int stream, std::string_view data);
    // Writes what is pending of the stream without a newline (at EOF).
    void flush(int stream);
    const std::string& path() const { return path_; }

private:
    void emit(int stream, std::string_view message);
    void rotate();
    std::string path_;
    LogOptions options_;
    UniqueFd fd_;
    uint64_t size_ = 0;
    std::string pending_[3];
};

constexpr size_t kMaxLogLine = 16 * 1024;

}  // namespace berth::shim
