#pragma once
// Container ids and names: 64 hex ids, Docker's name rule and its generated names.
#include <string>

namespace berth::engine {

// Docker's `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`. Throws invalid_argument:
//   Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed
void validate_name(const std::string& name);
// "/name" with the slash added when missing.
std::string canonical_name(const std::string& name);
// 32 random bytes as hex, never all digits (Docker avoids ids that look like numbers).
std::string generate_id();
// adjective_surname, like Docker's namesgenerator ("focused_turing"); `retry` > 0 appends a digit.
std::string generate_name(int retry = 0);

}  // namespace berth::engine
