#pragma once
// Docker's --format driver: "table <template>" renders a header from the same template (with
// header functions) and aligns rows with a tab writer (min width 10, padding 3); "json" prints
// {{json .}} per row; anything else is a template printed once per row.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/template/template.hpp"

namespace berth::cli {

using tmpl::Json;

struct FormatOptions {
    std::string format;  // as given to --format, or a command's default
    Json header;         // field name -> column header, for table formats
    // Adds methods or functions (`.Label "x"`) to the template before it runs.
    std::function<void(tmpl::Template&)> customize;
    // The same for the header row of a table (Docker's header context answers `.Label "x"`
    // with the label's name); `customize` when unset.
    std::function<void(tmpl::Template&)> customize_header;
    // Docker's Go type for the rows ("*formatter.ContainerContext"): an unknown field is then
    // its execution error, not "<no value>".
    std::string struct_type;
};

bool is_table_format(std::string_view format);
// The template text after Docker's preprocessing: "table" stripped, trimmed, \t \n unescaped.
std::string prepare_format(std::string_view format);

// Renders every row; throws invalid_argument "template parsing error: ..." for bad templates.
std::string render_rows(const FormatOptions& options, const std::vector<Json>& rows);

}  // namespace berth::cli
