#pragma once
// berthd logs to stderr, one line per record in logfmt (time=... level=... msg="..."), the way
// dockerd's logrus output reads, so journald and `grep level=error` both work.
#include <string>

namespace berth::daemon {

void setup_logging(const std::string& level);
void set_log_level(const std::string& level);

}  // namespace berth::daemon
