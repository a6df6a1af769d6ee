// Go's template builtins and Docker's template functions (docker/cli templates/templates.go).
#include <algorithm>
#include <cctype>

#include "cli/template/go_print.hpp"
#include "cli/template/template.hpp"
#include "common/error.hpp"

namespace berth::cli::tmpl {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw Error(Errc::invalid_argument, what);
}

void want_args(const char* name, const std::vector<Value>& args, size_t n) {
    if (args.size() != n)
        fail(std::string("wrong number of args for ") + name + ": want " + std::to_string(n) +
             " got " + std::to_string(args.size()));
}

std::string as_string(const Value& v, const char* name) {
    if (!v.missing && v.json.is_string()) return v.json.get<std::string>();
    fail(std::string("wrong type for value; expected string; got ") +
         (v.missing || v.json.is_null() ? "<nil>" : v.json.type_name()) + " (in " + name + ")");
}

int64_t as_int(const Value& v, const char* name) {
    if (!v.missing && v.json.is_number_integer()) return v.json.get<int64_t>();
    if (!v.missing && v.json.is_number_float()) return static_cast<int64_t>(v.json.get<double>());
    fail(std::string("wrong type for value; expected int; got ") +
         (v.missing ? "<nil>" : v.json.type_name()) + " (in " + name + ")");
}

std::string json_text(const Value& v) {
    if (v.missing) return "null";
    // Docker's encoder does not escape <, > and &; dump() does not either.
    return v.json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Orders two values for eq/lt...: numbers numerically, strings and bools by value.
int compare(const Value& a, const Value& b, const char* name, bool equality_only) {
    const Json& x = a.json;
    const Json& y = b.json;
    bool xnil = a.missing || x.is_null(), ynil = b.missing || y.is_null();
    if (xnil || ynil) {
        if (!equality_only) fail(std::string("invalid type for comparison (in ") + name + ")");
        return xnil && ynil ? 0 : 1;
    }
    if (x.is_number() && y.is_number()) {
        if (x.is_number_float() || y.is_number_float()) {
            double p = x.get<double>(), q = y.get<double>();
            return p < q ? -1 : p > q ? 1 : 0;
        }
        if (x.is_number_unsigned() || y.is_number_unsigned()) {
            auto p = x.get<uint64_t>(), q = y.get<uint64_t>();
            return p < q ? -1 : p > q ? 1 : 0;
        }
        auto p = x.get<int64_t>(), q = y.get<int64_t>();
        return p < q ? -1 : p > q ? 1 : 0;
    }
    if (x.is_string() && y.is_string()) {
        int c = x.get_ref<const std::string&>().compare(y.get_ref<const std::string&>());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (x.is_boolean() && y.is_boolean()) {
        if (!equality_only) fail(std::string("invalid type for comparison (in ") + name + ")");
        return x.get<bool>() == y.get<bool>() ? 0 : 1;
    }
    if (x.type() != y.type())
        fail(std::string("incompatible types for comparison (in ") + name + ")");
    if (!equality_only) fail(std::string("invalid type for comparison (in ") + name + ")");
    return x == y ? 0 : 1;
}

Value index_one(const Value& item, const Value& key) {
    if (item.missing || item.json.is_null()) fail("index of untyped nil");
    const Json& j = item.json;
    if (j.is_array() || j.is_string()) {
        int64_t i = as_int(key, "index");
        int64_t size = j.is_array() ? static_cast<int64_t>(j.size())
                                    : static_cast<int64_t>(j.get_ref<const std::string&>().size());
        if (i < 0 || i >= size) fail("index out of range: " + std::to_string(i));
        if (j.is_array()) return Value(j[static_cast<size_t>(i)]);
        return Value(Json(static_cast<int64_t>(
            static_cast<unsigned char>(j.get_ref<const std::string&>()[static_cast<size_t>(i)]))));
    }
    if (j.is_object()) {
        std::string k = key.json.is_string() ? key.json.get<std::string>() : go_print(key);
        auto it = j.find(k);
        // A missing key gives the map's zero value: nil for decoded JSON.
        if (it == j.end()) return Value(Json(nullptr));
        return Value(*it);
    }
    fail(std::string("can't index item of type ") + j.type_name());
}

std::string title(std::string s) {
    bool start = true;
    for (char& c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (start && std::isalpha(u)) c = static_cast<char>(std::toupper(u));
        start = !(std::isalnum(u) || c == '_' || u >= 0x80);
    }
    return s;
}

}  // namespace

std::map<std::string, Function> default_functions() {
    std::map<std::string, Function> f;
    // Docker's functions.
    f["json"] = [](std::vector<Value>& a) {
        want_args("json", a, 1);
        return Value(json_text(a[0]));
    };
    f["split"] = [](std::vector<Value>& a) {
        want_args("split", a, 2);
        std::string s = as_string(a[0], "split"), sep = as_string(a[1], "split");
        Json out = Json::array();
        if (sep.empty()) {
            for (size_t i = 0; i < s.size();) {
                size_t n = 1;
                while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
                    ++n;
                out.push_back(s.substr(i, n));
                i += n;
            }
            return Value(out);
        }
        size_t start = 0;
        for (;;) {
            size_t pos = s.find(sep, start);
            if (pos == std::string::npos) break;
            out.push_back(s.substr(start, pos - start));
            start = pos + sep.size();
        }
        out.push_back(s.substr(start));
        return Value(out);
    };
    f["join"] = [](std::vector<Value>& a) {
        want_args("join", a, 2);
        std::string sep = as_string(a[1], "join");
        if (a[0].missing || !a[0].json.is_array())
            fail("wrong type for value; expected []string; got " +
                 std::string(a[0].missing ? "<nil>" : a[0].json.type_name()));
        std::string out;
        bool first = true;
        for (const auto& e : a[0].json) {
            if (!first) out += sep;
            first = false;
            out += go_print(Value(e));
        }
        return Value(out);
    };
    f["title"] = [](std::vector<Value>& a) {
        want_args("title", a, 1);
        return Value(title(as_string(a[0], "title")));
    };
    f["lower"] = [](std::vector<Value>& a) {
        want_args("lower", a, 1);
        std::string s = as_string(a[0], "lower");
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return Value(s);
    };
    f["upper"] = [](std::vector<Value>& a) {
        want_args("upper", a, 1);
        std::string s = as_string(a[0], "upper");
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return Value(s);
    };
    f["pad"] = [](std::vector<Value>& a) {
        want_args("pad", a, 3);
        std::string s = as_string(a[0], "pad");
        if (s.empty()) return Value(s);
        return Value(
            std::string(static_cast<size_t>(std::max<int64_t>(0, as_int(a[1], "pad"))), ' ') + s +
            std::string(static_cast<size_t>(std::max<int64_t>(0, as_int(a[2], "pad"))), ' '));
    };
    f["truncate"] = [](std::vector<Value>& a) {
        want_args("truncate", a, 2);
        std::string s = as_string(a[0], "truncate");
        int64_t n = as_int(a[1], "truncate");
        if (static_cast<int64_t>(s.size()) < n) return Value(s);
        return Value(s.substr(0, static_cast<size_t>(std::max<int64_t>(0, n))));
    };
    // Go's builtins.
    f["and"] = [](std::vector<Value>& a) {
        if (a.empty()) fail("wrong number of args for and: want at least 1 got 0");
        for (auto& v : a)
            if (!go_truth(v)) return v;
        return a.back();
    };
    f["or"] = [](std::vector<Value>& a) {
        if (a.empty()) fail("wrong number of args for or: want at least 1 got 0");
        for (auto& v : a)
            if (go_truth(v)) return v;
        return a.back();
    };
    f["not"] = [](std::vector<Value>& a) {
        want_args("not", a, 1);
        return Value(!go_truth(a[0]));
    };
    f["len"] = [](std::vector<Value>& a) {
        want_args("len", a, 1);
        const Json& j = a[0].json;
        if (a[0].missing || j.is_null()) fail("len of nil pointer");
        if (j.is_string())
            return Value(static_cast<int64_t>(j.get_ref<const std::string&>().size()));
        if (j.is_array() || j.is_object()) return Value(static_cast<int64_t>(j.size()));
        fail(std::string("len of type ") + j.type_name());
    };
    f["index"] = [](std::vector<Value>& a) {
        if (a.empty()) fail("wrong number of args for index: want at least 1 got 0");
        Value v = a[0];
        for (size_t i = 1; i < a.size(); ++i) v = index_one(v, a[i]);
        return v;
    };
    f["slice"] = [](std::vector<Value>& a) {
        if (a.empty()) fail("wrong number of args for slice: want at least 1 got 0");
        const Json& j = a[0].json;
        int64_t size = j.is_string()  ? static_cast<int64_t>(j.get_ref<const std::string&>().size())
                       : j.is_array() ? static_cast<int64_t>(j.size())
                                      : -1;
        if (size < 0) fail("can't slice item of this type");
        int64_t lo = a.size() > 1 ? as_int(a[1], "slice") : 0;
        int64_t hi = a.size() > 2 ? as_int(a[2], "slice") : size;
        if (lo < 0 || hi < lo || hi > size) fail("index out of range");
        if (j.is_string())
            return Value(j.get_ref<const std::string&>().substr(static_cast<size_t>(lo),
                                                                static_cast<size_t>(hi - lo)));
        return Value(Json(j.begin() + lo, j.begin() + hi));
    };
    f["print"] = [](std::vector<Value>& a) { return Value(go_sprint(a)); };
    f["println"] = [](std::vector<Value>& a) {
        std::string out;
        for (size_t i = 0; i < a.size(); ++i) out += (i ? " " : "") + go_print(a[i]);
        return Value(out + "\n");
    };
    f["printf"] = [](std::vector<Value>& a) {
        if (a.empty()) fail("wrong number of args for printf: want at least 1 got 0");
        std::string format = as_string(a[0], "printf");
        std::vector<Value> rest(a.begin() + 1, a.end());
        return Value(go_sprintf(format, rest));
    };
    auto cmp = [&f](const char* name, auto pred, bool equality) {
        f[name] = [name, pred, equality](std::vector<Value>& a) {
            if (equality && std::string(name) == "eq") {
                if (a.size() < 2) fail("missing argument for comparison");
                for (size_t i = 1; i < a.size(); ++i)
                    if (compare(a[0], a[i], name, true) == 0) return Value(true);
                return Value(false);
            }
            want_args(name, a, 2);
            return Value(pred(compare(a[0], a[1], name, equality)));
        };
    };
    cmp(
        "eq", [](int c) { return c == 0; }, true);
    cmp(
        "ne", [](int c) { return c != 0; }, true);
    cmp(
        "lt", [](int c) { return c < 0; }, false);
    cmp(
        "le", [](int c) { return c <= 0; }, false);
    cmp(
        "gt", [](int c) { return c > 0; }, false);
    cmp(
        "ge", [](int c) { return c >= 0; }, false);
    f["html"] = [](std::vector<Value>& a) {
        std::string s = go_sprint(a), out;
        for (char c : s) {
            switch (c) {
                case '<':
                    out += "&lt;";
                    break;
                case '>':
                    out += "&gt;";
                    break;
                case '&':
                    out += "&amp;";
                    break;
                case '"':
                    out += "&#34;";
                    break;
                case '\'':
                    out += "&#39;";
                    break;
                default:
                    out += c;
            }
        }
        return Value(out);
    };
    return f;
}

// encoding/json's default escaping of <, > and & (and U+2028/U+2029) inside JSON text.
static std::string escape_html(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '<')
            out += "\\u003c";
        else if (c == '>')
            out += "\\u003e";
        else if (c == '&')
            out += "\\u0026";
        else if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
                 (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
            out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else
            out += c;
    }
    return out;
}

void Template::fields_of_struct(std::string type) {
    struct_type_ = std::move(type);
    // A docker row type marshals itself with json.Marshal, which escapes HTML characters;
    // the json function's own encoder would not, so only a whole row comes out escaped.
    functions_["json"] = [](std::vector<Value>& a) {
        want_args("json", a, 1);
        std::string text = json_text(a[0]);
        return Value(a[0].json.is_object() ? escape_html(text) : text);
    };
}

void Template::use_header_functions() {
    // Header cells stay the header names (docker/cli HeaderFunctions); `pad` keeps padding so
    // headers line up with padded columns.
    for (const char* name : {"json", "split", "join", "title", "lower", "upper", "truncate"}) {
        functions_[name] = [](std::vector<Value>& a) { return a.empty() ? Value::none() : a[0]; };
    }
}

}  // namespace berth::cli::tmpl
