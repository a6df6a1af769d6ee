#pragma once
// The parse tree of a Go text/template: text and actions, control structures with their
// bodies, pipelines of commands whose operands are fields, variables, literals and functions.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace berth::cli::tmpl {

using Json = nlohmann::ordered_json;

struct Pipeline;

struct Operand {
    enum class Kind { dot, field, variable, identifier, literal, nil, pipeline };
    Kind kind = Kind::dot;
    std::string name;                 // variable ("$x", "$") or function name
    std::vector<std::string> fields;  // field chain after the base: .A.B, $x.A, (p).A
    Json literal;                     // string, number or bool
    std::shared_ptr<Pipeline> pipe;   // parenthesized pipeline
};

struct Command {
    std::vector<Operand> args;
};

struct Pipeline {
    std::vector<std::string> vars;  // declared or assigned variables: {{$x := ...}}
    bool assign = false;            // "=" rather than ":="
    std::vector<Command> commands;
    int line = 1;
    int col = 0;
    std::string source;  // the action's text, for error messages
};

struct Node {
    enum class Kind { text, action, if_, range, with, break_, continue_ };
    Kind kind = Kind::text;
    std::string text;
    Pipeline pipe;
    std::vector<Node> body;
    std::vector<Node> else_body;
};

}  // namespace berth::cli::tmpl
