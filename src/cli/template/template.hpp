#pragma once
// A Go text/template subset, enough for Docker's --format: fields and field chains, variables,
// pipelines, parentheses, if/else if/else, range (with $i, $v), with, break/continue, comments,
// trim markers, Go's builtins (and or not len index slice eq ne lt le gt ge print printf println)
// and Docker's functions (json split join title lower upper pad truncate). Data is JSON; a
// missing key prints "<no value>" and null "<nil>", as Go prints them for decoded JSON.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/template/template_ast.hpp"

namespace berth::cli::tmpl {

// A value during execution: JSON, or "no value" (a missing map key).
struct Value {
    Json json;
    bool missing = false;

    Value() = default;
    Value(Json j) : json(std::move(j)) {}  // NOLINT: implicit on purpose
    static Value none() {
        Value v;
        v.missing = true;
        return v;
    }
};

using Function = std::function<Value(std::vector<Value>& args)>;
// A method on the data (Docker's `{{.Label "name"}}`), called when a field name is not a key.
using Method = std::function<Value(const Value& receiver, std::vector<Value>& args)>;

class Template {
  public:
    // Throws invalid_argument ("template: :1: ...") on a syntax error.
    static Template parse(std::string_view text);

    void set_function(const std::string& name, Function fn) { functions_[name] = std::move(fn); }
    void set_method(const std::string& name, Method fn) { methods_[name] = std::move(fn); }
    // What a field that is not a key of the object does. Go prints "<no value>" for a map
    // (the default); docker inspect runs with missingkey=error; docker's ps/images templates
    // run on Go structs, where an unknown field is "can't evaluate field X in type T".
    void missing_key_is_error() { missing_key_error_ = true; }
    void fields_of_struct(std::string type);

    // Replaces json/split/join/title/lower/upper/truncate with identity functions, as Docker
    // does to render a table header from the same template.
    void use_header_functions();

    // Throws invalid_argument ("template: :1:3: executing ...") on an execution error.
    std::string execute(const Json& dot) const;

    const std::vector<Node>& nodes() const { return *nodes_; }

  private:
    Template();
    std::shared_ptr<std::vector<Node>> nodes_;
    std::map<std::string, Function> functions_;
    std::map<std::string, Method> methods_;
    bool missing_key_error_ = false;
    std::string struct_type_;
    friend class Executor;
};

// The builtins and Docker's functions.
std::map<std::string, Function> default_functions();

}  // namespace berth::cli::tmpl
