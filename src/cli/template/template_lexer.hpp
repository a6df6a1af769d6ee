#pragma once
// Splits a template into text and the tokens of its actions, as Go's text/template lexer does,
// including the trim markers "{{- " and " -}}" that eat the whitespace next to an action.
#include <string>
#include <string_view>
#include <vector>

namespace berth::cli::tmpl {

struct Token {
    enum class Kind {
        text,
        left,   // {{
        right,  // }}
        field,  // .Name
        variable,
        identifier,
        keyword,  // if else end range with define template block break continue nil true false
        string,   // value already unquoted
        number,
        character,
        pipe,
        lparen,
        rparen,
        declare,  // :=
        assign,   // =
        comma,
        dot,
        eof,
    };
    Kind kind;
    std::string value;
    int line = 1;
    int col = 0;          // byte offset in its line, as Go's error positions count
    bool spaced = false;  // whitespace came before it: "(x).A" chains, "(x) .A" does not
};

// Throws invalid_argument with Go's "template: :LINE: ..." wording on lexical errors.
std::vector<Token> lex_template(std::string_view input);

}  // namespace berth::cli::tmpl
