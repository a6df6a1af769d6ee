// Recursive descent over the lexer's tokens into the Node tree.
#include "cli/template/template.hpp"
#include "cli/template/template_lexer.hpp"
#include "common/error.hpp"

namespace berth::cli::tmpl {

namespace {

class Parser {
  public:
    explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

    std::vector<Node> parse_all() {
        std::vector<Node> nodes;
        std::string end = parse_list(nodes, 0);
        if (!end.empty()) fail(std::string("unexpected {{") + end + "}}");
        return nodes;
    }

  private:
    const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
    const Token& next() { return t_[std::min(i_++, t_.size() - 1)]; }
    bool is(Token::Kind kind, std::string_view value = {}) const {
        return peek().kind == kind && (value.empty() || peek().value == value);
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(Errc::invalid_argument,
                    "template: :" + std::to_string(peek().line) + ": " + what);
    }
    void expect_right(const char* context) {
        if (!is(Token::Kind::right))
            fail(std::string("unexpected \"") + peek().value + "\" in " + context);
        next();
    }

    // Parses nodes until {{end}} or {{else...}} (returned: "end"/"else"; "" at EOF).
    std::string parse_list(std::vector<Node>& out, int depth) {
        for (;;) {
            const Token& tok = peek();
            if (tok.kind == Token::Kind::eof) {
                if (depth > 0) fail("unexpected EOF");
                return "";
            }
            if (tok.kind == Token::Kind::text) {
                Node node;
                node.text = next().value;
                out.push_back(std::move(node));
                continue;
            }
            next();  // {{
            if (is(Token::Kind::keyword, "end") || is(Token::Kind::keyword, "else")) {
                if (depth == 0) fail("unexpected {{" + peek().value + "}}");
                std::string word = next().value;
                if (word == "end") expect_right("end");
                return word;  // for "else" the caller looks at what follows
            }
            out.push_back(parse_action(depth));
        }
    }

    Node parse_action(int depth) {
        if (peek().kind == Token::Kind::keyword) {
            const std::string word = peek().value;
            if (word == "if" || word == "range" || word == "with") {
                next();
                return parse_control(word, depth);
            }
            if (word == "break" || word == "continue") {
                if (range_depth_ == 0) fail("{{" + word + "}} outside {{range}}");
                next();
                expect_right(word.c_str());
                Node node;
                node.kind = word == "break" ? Node::Kind::break_ : Node::Kind::continue_;
                return node;
            }
            if (word == "define" || word == "template" || word == "block")
                fail("{{" + word + "}} is not supported");
        }
        Node node;
        node.kind = Node::Kind::action;
        node.pipe = parse_pipeline("command", true);
        expect_right("command");
        return node;
    }

    Node parse_control(const std::string& word, int depth) {
        Node node;
        node.kind = word == "if"      ? Node::Kind::if_
                    : word == "range" ? Node::Kind::range
                                      : Node::Kind::with;
        node.pipe = parse_pipeline(word, true);
        expect_right(word.c_str());
        if (word == "range") ++range_depth_;
        std::string end = parse_list(node.body, depth + 1);
        if (word == "range") --range_depth_;
        if (end == "else") {
            // {{else if ...}} / {{else with ...}} chain: a nested node sharing our {{end}}.
            if (is(Token::Kind::keyword, "if") || is(Token::Kind::keyword, "with")) {
                std::string inner = next().value;
                node.else_body.push_back(parse_control(inner, depth));
                return node;
            }
            expect_right("else");
            end = parse_list(node.else_body, depth + 1);
            if (end != "end") fail("expected end; found {{else}}");
        }
        return node;
    }

    Pipeline parse_pipeline(const std::string& context, bool allow_decl) {
        Pipeline pipe;
        pipe.line = peek().line;
        pipe.col = peek().col;
        size_t start = i_;
        if (allow_decl && is(Token::Kind::variable)) {
            size_t save = i_;
            std::vector<std::string> vars{next().value};
            if (is(Token::Kind::comma) && peek(1).kind == Token::Kind::variable) {
                next();
                vars.push_back(next().value);
            }
            if (is(Token::Kind::declare) || is(Token::Kind::assign)) {
                pipe.assign = next().kind == Token::Kind::assign;
                pipe.vars = std::move(vars);
                for (const auto& v : pipe.vars)
                    if (v.find('.') != std::string::npos) fail("unexpected field in declaration");
            } else {
                i_ = save;
            }
        }
        for (;;) {
            Command cmd = parse_command();
            if (cmd.args.empty()) fail("missing value for " + context);
            pipe.commands.push_back(std::move(cmd));
            if (!is(Token::Kind::pipe)) break;
            next();
        }
        for (size_t k = start; k < i_; ++k) {
            if (!pipe.source.empty() && t_[k].spaced) pipe.source += ' ';
            pipe.source +=
                t_[k].kind == Token::Kind::string ? "\"" + t_[k].value + "\"" : t_[k].value;
        }
        return pipe;
    }

    Command parse_command() {
        Command cmd;
        while (!is(Token::Kind::right) && !is(Token::Kind::pipe) && !is(Token::Kind::rparen) &&
               !is(Token::Kind::eof)) {
            if (!cmd.args.empty() && !peek().spaced && peek().kind != Token::Kind::lparen)
                fail("missing space?");
            cmd.args.push_back(parse_operand());
        }
        return cmd;
    }

    static std::vector<std::string> split_fields(std::string_view text) {
        std::vector<std::string> out;
        size_t start = 0;
        while (start < text.size()) {
            size_t dot = text.find('.', start);
            if (dot == std::string_view::npos) dot = text.size();
            if (dot > start) out.emplace_back(text.substr(start, dot - start));
            start = dot + 1;
        }
        return out;
    }

    Operand parse_operand() {
        const Token tok = next();
        Operand op;
        switch (tok.kind) {
            case Token::Kind::dot:
                op.kind = Operand::Kind::dot;
                break;
            case Token::Kind::field:
                op.kind = Operand::Kind::field;
                op.fields = split_fields(tok.value);
                break;
            case Token::Kind::variable: {
                op.kind = Operand::Kind::variable;
                auto dot = tok.value.find('.');
                op.name = tok.value.substr(0, dot);
                if (dot != std::string::npos) op.fields = split_fields(tok.value.substr(dot));
                break;
            }
            case Token::Kind::identifier:
                op.kind = Operand::Kind::identifier;
                op.name = tok.value;
                break;
            case Token::Kind::string:
                op.kind = Operand::Kind::literal;
                op.literal = tok.value;
                break;
            case Token::Kind::character:
                op.kind = Operand::Kind::literal;
                op.literal = std::stoll(tok.value);
                break;
            case Token::Kind::number:
                op = number(tok.value);
                break;
            case Token::Kind::keyword:
                if (tok.value == "true" || tok.value == "false") {
                    op.kind = Operand::Kind::literal;
                    op.literal = tok.value == "true";
                } else if (tok.value == "nil") {
                    op.kind = Operand::Kind::nil;
                } else {
                    --i_;
                    fail("unexpected <" + tok.value + "> in operand");
                }
                break;
            case Token::Kind::lparen: {
                op.kind = Operand::Kind::pipeline;
                op.pipe =
                    std::make_shared<Pipeline>(parse_pipeline("parenthesized pipeline", false));
                if (!is(Token::Kind::rparen)) fail("unclosed left paren");
                next();
                if (is(Token::Kind::field) && !peek().spaced)
                    op.fields = split_fields(next().value);
                break;
            }
            default:
                --i_;
                fail("unexpected \"" + tok.value + "\" in operand");
        }
        return op;
    }

    Operand number(const std::string& text) {
        Operand op;
        op.kind = Operand::Kind::literal;
        try {
            size_t used = 0;
            if (text.find_first_of(".eE") == std::string::npos || text.starts_with("0x") ||
                text.starts_with("0X")) {
                long long v = std::stoll(text, &used, 0);
                op.literal = v;
            } else {
                double v = std::stod(text, &used);
                op.literal = v;
            }
            if (used != text.size()) throw std::invalid_argument(text);
        } catch (const std::exception&) {
            fail("bad number syntax: \"" + text + "\"");
        }
        return op;
    }

    std::vector<Token> t_;
    size_t i_ = 0;
    int range_depth_ = 0;
};

}  // namespace

Template::Template()
    : nodes_(std::make_shared<std::vector<Node>>()), functions_(default_functions()) {}

Template Template::parse(std::string_view text) {
    Template t;
    *t.nodes_ = Parser(lex_template(text)).parse_all();
    return t;
}

}  // namespace berth::cli::tmpl
