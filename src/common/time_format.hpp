#pragma once
// Go's time.RFC3339Nano in UTC ("2024-01-02T03:04:05.123456789Z", trailing zeros of the
// fraction dropped), the form Docker writes in json-file logs and in inspect.
#include <ctime>
#include <string>

namespace berth {

std::string format_rfc3339_nano(const timespec& ts);
std::string rfc3339_nano_now();

}  // namespace berth
