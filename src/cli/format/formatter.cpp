#include "cli/format/formatter.hpp"

#include "cli/format/tab_writer.hpp"
#include "common/error.hpp"

namespace berth::cli {

bool is_table_format(std::string_view format) {
    return format.starts_with("table");
}

std::string prepare_format(std::string_view format) {
    std::string text(format);
    if (is_table_format(text))
        text = text.substr(5);
    else if (text == "json")
        text = "{{json .}}";
    size_t start = text.find_first_not_of(' ');
    size_t end = text.find_last_not_of(' ');
    text = start == std::string::npos ? "" : text.substr(start, end - start + 1);
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 't' || text[i + 1] == 'n')) {
            out += text[i + 1] == 't' ? '\t' : '\n';
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string render_rows(const FormatOptions& options, const std::vector<Json>& rows) {
    std::string text = prepare_format(options.format);
    auto parse = [&](bool for_header) {
        try {
            auto t = tmpl::Template::parse(text);
            const auto& customize = for_header && options.customize_header
                                        ? options.customize_header
                                        : options.customize;
            if (customize) customize(t);
            if (!for_header && !options.struct_type.empty())
                t.fields_of_struct(options.struct_type);
            return t;
        } catch (const Error& e) {
            throw Error(Errc::invalid_argument, std::string("template parsing error: ") + e.what());
        }
    };
    tmpl::Template t = parse(false);
    std::string body;
    for (const Json& row : rows) {
        try {
            body += t.execute(row);
        } catch (const Error& e) {
            throw Error(Errc::invalid_argument, std::string("template parsing error: ") + e.what());
        }
        body += '\n';
    }
    if (!is_table_format(options.format)) return body;
    tmpl::Template header = parse(true);
    header.use_header_functions();
    TabWriter writer(10, 3);
    std::string head;
    try {
        head = header.execute(options.header);
    } catch (const Error&) {
        head.clear();  // a header the template cannot render is left out, not fatal
    }
    writer.write(head);
    writer.write("\n");
    writer.write(body);
    return writer.flush();
}

}  // namespace berth::cli
