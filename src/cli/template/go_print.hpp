#pragma once
// Go's fmt as templates print values: %v of decoded JSON (maps as map[k:v] with sorted keys,
// slices as [a b], floats in Go's shortest form), strconv.Quote, and a printf covering the
// verbs formats use (%s %v %d %q %x %X %f %g %t %c %%, flags, width and precision).
#include <string>
#include <string_view>
#include <vector>

#include "cli/template/template.hpp"

namespace berth::cli::tmpl {

std::string go_print(const Value& value);
std::string go_float(double value);
std::string go_quote(std::string_view text);
std::string go_sprintf(std::string_view format, const std::vector<Value>& args);
// Go's fmt.Sprint: a space between operands when neither side is a string.
std::string go_sprint(const std::vector<Value>& args);
// Go template truth: false, 0, nil, and empty strings, arrays and maps are false.
bool go_truth(const Value& value);

}  // namespace berth::cli::tmpl
