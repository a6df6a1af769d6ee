#include "daemon/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace berth::daemon {

namespace {
// %Q: the message with " and \ escaped and newlines as \n, so msg="..." stays one logfmt value
// even when it quotes a path or a client's input.
class QuotedMessage final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
            if (c == '"' || c == '\\') dest.push_back('\\');
            if (c == '\n') {
                dest.push_back('\\');
                c = 'n';
            }
            dest.push_back(c);
        }
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<QuotedMessage>();
    }
};
}  // namespace

void set_log_level(const std::string& level) {
    spdlog::level::level_enum l = level == "debug"   ? spdlog::level::debug
                                  : level == "warn"  ? spdlog::level::warn
                                  : level == "error" ? spdlog::level::err
                                  : level == "fatal" ? spdlog::level::critical
                                                     : spdlog::level::info;
    spdlog::set_level(l);
}

void setup_logging(const std::string& level) {
    // Unbuffered stderr, no color: the log usually goes to a file or the journal.
    auto logger = spdlog::stderr_logger_mt("berthd");
    spdlog::set_default_logger(logger);
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<QuotedMessage>('Q').set_pattern(
        "time=\"%Y-%m-%dT%H:%M:%S.%f%z\" level=%l msg=\"%Q\"");
    spdlog::set_formatter(std::move(formatter));
    set_log_level(level);
    spdlog::flush_on(spdlog::level::trace);
}

}  // namespace berth::daemon
