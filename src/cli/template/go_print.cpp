#include "cli/template/go_print.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace berth::cli::tmpl {

std::string go_float(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (value == 0) return std::signbit(value) ? "-0" : "0";
    // The shortest digits that read back to the same double, as strconv does.
    char digits[40];
    int precision = 1;
    for (; precision <= 17; ++precision) {
        std::snprintf(digits, sizeof digits, "%.*e", precision - 1, value);
        if (std::strtod(digits, nullptr) == value) break;
    }
    // digits is "d.ddde±XX": take the mantissa digits and the exponent.
    std::string text(digits);
    auto e = text.find('e');
    int exponent = std::atoi(text.c_str() + e + 1);
    std::string mantissa = text.substr(0, e);
    bool negative = mantissa[0] == '-';
    if (negative) mantissa.erase(0, 1);
    mantissa.erase(std::remove(mantissa.begin(), mantissa.end(), '.'), mantissa.end());
    while (mantissa.size() > 1 && mantissa.back() == '0') mantissa.pop_back();
    std::string out = negative ? "-" : "";
    // %v is strconv's shortest 'g': %e when the exponent is < -4 or >= 6 (so 1e6 prints
    // "1e+06", the form Go users know from JSON numbers decoded as float64).
    if (exponent < -4 || exponent >= 6) {
        out += mantissa.substr(0, 1);
        if (mantissa.size() > 1) out += "." + mantissa.substr(1);
        char exp[8];
        std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return out + exp;
    }
    if (exponent < 0)
        return out + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + mantissa;
    size_t int_digits = static_cast<size_t>(exponent) + 1;
    if (mantissa.size() <= int_digits)
        return out + mantissa + std::string(int_digits - mantissa.size(), '0');
    return out + mantissa.substr(0, int_digits) + "." + mantissa.substr(int_digits);
}

namespace {

void print_json(const Json& j, std::string& out) {
    switch (j.type()) {
        case Json::value_t::null:
            out += "<nil>";
            break;
        case Json::value_t::string:
            out += j.get_ref<const std::string&>();
            break;
        case Json::value_t::boolean:
            out += j.get<bool>() ? "true" : "false";
            break;
        case Json::value_t::number_integer:
            out += std::to_string(j.get<int64_t>());
            break;
        case Json::value_t::number_unsigned:
            out += std::to_string(j.get<uint64_t>());
            break;
        case Json::value_t::number_float:
            out += go_float(j.get<double>());
            break;
        case Json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& e : j) {
                if (!first) out += ' ';
                first = false;
                print_json(e, out);
            }
            out += ']';
            break;
        }
        case Json::value_t::object: {
            std::vector<std::string> keys;
            for (const auto& [k, v] : j.items()) keys.push_back(k);
            std::sort(keys.begin(), keys.end());  // fmt prints maps sorted by key
            out += "map[";
            bool first = true;
            for (const auto& k : keys) {
                if (!first) out += ' ';
                first = false;
                out += k;
                out += ':';
                print_json(j.at(k), out);
            }
            out += ']';
            break;
        }
        default:
            out += j.dump();
            break;
    }
}

}  // namespace

std::string go_print(const Value& value) {
    if (value.missing) return "<no value>";
    std::string out;
    print_json(value.json, out);
    return out;
}

std::string go_quote(std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\a':
                out += "\\a";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\v':
                out += "\\v";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "\\x%02x", c);
                    out += hex;
                } else {
                    out += static_cast<char>(c);  // UTF-8 passes through as Go keeps printables
                }
        }
    }
    return out + "\"";
}

bool go_truth(const Value& value) {
    if (value.missing) return false;
    const Json& j = value.json;
    switch (j.type()) {
        case Json::value_t::null:
            return false;
        case Json::value_t::boolean:
            return j.get<bool>();
        case Json::value_t::number_integer:
            return j.get<int64_t>() != 0;
        case Json::value_t::number_unsigned:
            return j.get<uint64_t>() != 0;
        case Json::value_t::number_float:
            return j.get<double>() != 0;
        case Json::value_t::string:
            return !j.get_ref<const std::string&>().empty();
        case Json::value_t::array:
        case Json::value_t::object:
            return !j.empty();
        default:
            return true;
    }
}

std::string go_sprint(const std::vector<Value>& args) {
    std::string out;
    for (size_t i = 0; i < args.size(); ++i) {
        bool is_string = !args[i].missing && args[i].json.is_string();
        bool prev_string = i > 0 && !args[i - 1].missing && args[i - 1].json.is_string();
        if (i > 0 && !is_string && !prev_string) out += ' ';
        out += go_print(args[i]);
    }
    return out;
}

namespace {

struct Spec {
    bool minus = false, plus = false, zero = false, space = false, sharp = false;
    int width = -1, precision = -1;
};

std::string pad(std::string text, const Spec& spec) {
    // Width counts runes, not bytes.
    size_t runes = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++runes;
    if (spec.width < 0 || runes >= static_cast<size_t>(spec.width)) return text;
    size_t fill = static_cast<size_t>(spec.width) - runes;
    if (spec.minus) return text + std::string(fill, ' ');
    if (spec.zero) {
        size_t sign = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
        return text.substr(0, sign) + std::string(fill, '0') + text.substr(sign);
    }
    return std::string(fill, ' ') + text;
}

std::string format_one(char verb, const Spec& spec, const Value& arg) {
    const Json& j = arg.json;
    bool number = !arg.missing && j.is_number();
    bool integer = number && !j.is_number_float();
    switch (verb) {
        case 'v':
        case 's': {
            std::string text = go_print(arg);
            if (spec.precision >= 0 && j.is_string() &&
                text.size() > static_cast<size_t>(spec.precision))
                text = text.substr(0, static_cast<size_t>(spec.precision));
            return pad(text, spec);
        }
        case 'q':
            if (j.is_string()) return pad(go_quote(j.get_ref<const std::string&>()), spec);
            return pad(go_quote(go_print(arg)), spec);
        case 't':
            if (j.is_boolean()) return pad(j.get<bool>() ? "true" : "false", spec);
            break;
        case 'd':
        case 'x':
        case 'X':
        case 'o':
        case 'b':
        case 'c':
            if (integer) {
                long long v = j.is_number_unsigned() ? static_cast<long long>(j.get<uint64_t>())
                                                     : j.get<int64_t>();
                if (verb == 'c') return pad(std::string(1, static_cast<char>(v)), spec);
                char buf[80];
                const char* fmt = verb == 'd'   ? "%lld"
                                  : verb == 'x' ? "%llx"
                                  : verb == 'X' ? "%llX"
                                                : "%llo";
                if (verb == 'b') {
                    std::string bits;
                    unsigned long long u = v < 0 ? static_cast<unsigned long long>(-v)
                                                 : static_cast<unsigned long long>(v);
                    do {
                        bits.insert(bits.begin(), static_cast<char>('0' + (u & 1)));
                        u >>= 1;
                    } while (u);
                    return pad((v < 0 ? "-" : "") + bits, spec);
                }
                std::snprintf(buf, sizeof buf, fmt, v);
                std::string text = buf;
                if (spec.plus && v >= 0 && verb == 'd') text = "+" + text;
                return pad(text, spec);
            }
            if ((verb == 'x' || verb == 'X') && j.is_string()) {
                std::string out;
                char hex[4];
                for (unsigned char c : j.get_ref<const std::string&>()) {
                    std::snprintf(hex, sizeof hex, verb == 'x' ? "%02x" : "%02X", c);
                    out += hex;
                }
                return pad(out, spec);
            }
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'g':
            if (number) {
                double v = j.get<double>();
                char buf[512];
                char fmt[16];
                if (verb == 'g' && spec.precision < 0) return pad(go_float(v), spec);
                std::snprintf(fmt, sizeof fmt, "%%%s.%d%c", spec.plus ? "+" : "",
                              spec.precision < 0 ? 6 : spec.precision, verb == 'F' ? 'f' : verb);
                std::snprintf(buf, sizeof buf, fmt, v);
                return pad(buf, spec);
            }
            break;
        default:
            break;
    }
    // Go's report of a verb that does not fit the operand.
    std::string type = arg.missing || j.is_null() ? "<nil>"
                       : j.is_string()            ? "string"
                       : j.is_boolean()           ? "bool"
                       : j.is_number_float()      ? "float64"
                       : j.is_number()            ? "int"
                                                  : "map";
    return std::string("%!") + verb + "(" + type + "=" + go_print(arg) + ")";
}

}  // namespace

std::string go_sprintf(std::string_view format, const std::vector<Value>& args) {
    std::string out;
    size_t argi = 0;
    for (size_t i = 0; i < format.size(); ++i) {
        char c = format[i];
        if (c != '%') {
            out += c;
            continue;
        }
        if (++i >= format.size()) {
            out += "%!(NOVERB)";
            break;
        }
        Spec spec;
        for (; i < format.size(); ++i) {
            char f = format[i];
            if (f == '-')
                spec.minus = true;
            else if (f == '+')
                spec.plus = true;
            else if (f == '0')
                spec.zero = !spec.minus;
            else if (f == ' ')
                spec.space = true;
            else if (f == '#')
                spec.sharp = true;
            else
                break;
        }
        auto read_int = [&](int& target) {
            if (i < format.size() && format[i] == '*') {
                if (argi < args.size() && args[argi].json.is_number_integer())
                    target = args[argi].json.get<int>();
                ++argi;
                ++i;
                return;
            }
            if (i < format.size() && format[i] >= '0' && format[i] <= '9') {
                target = 0;
                while (i < format.size() && format[i] >= '0' && format[i] <= '9')
                    target = target * 10 + (format[i++] - '0');
            }
        };
        read_int(spec.width);
        if (i < format.size() && format[i] == '.') {
            ++i;
            spec.precision = 0;
            read_int(spec.precision);
        }
        if (i >= format.size()) {
            out += "%!(NOVERB)";
            break;
        }
        char verb = format[i];
        if (verb == '%') {
            out += '%';
            continue;
        }
        if (argi >= args.size()) {
            out += std::string("%!") + verb + "(MISSING)";
            continue;
        }
        out += format_one(verb, spec, args[argi++]);
    }
    if (argi < args.size()) {
        out += "%!(EXTRA ";
        for (size_t k = argi; k < args.size(); ++k) {
            if (k > argi) out += ", ";
            const Json& j = args[k].json;
            out += j.is_string() ? "string=" : j.is_number() ? "int=" : "";
            out += go_print(args[k]);
        }
        out += ")";
    }
    return out;
}

}  // namespace berth::cli::tmpl
