#include "daemon/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace berth::daemon {

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
    spdlog::set_pattern("time=\"%Y-%m-%dT%H:%M:%S.%f%z\" level=%l msg=\"%v\"");
    set_log_level(level);
    spdlog::flush_on(spdlog::level::trace);
}

}  // namespace berth::daemon
