#include "cli/template/template_lexer.hpp"

#include "common/error.hpp"

namespace berth::cli::tmpl {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

[[noreturn]] void fail(int line, const std::string& what) {
    throw Error(Errc::invalid_argument, "template: :" + std::to_string(line) + ": " + what);
}

class Lexer {
  public:
    explicit Lexer(std::string_view in) : in_(in) {}

    std::vector<Token> run() {
        while (pos_ < in_.size()) {
            size_t open = in_.find("{{", pos_);
            if (open == std::string_view::npos) {
                emit_text(in_.substr(pos_));
                pos_ = in_.size();
                break;
            }
            std::string_view text = in_.substr(pos_, open - pos_);
            pos_ = open + 2;
            bool trim_left = pos_ + 1 < in_.size() && in_[pos_] == '-' && is_space(in_[pos_ + 1]);
            if (trim_left) {
                while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
                pos_ += 2;
            }
            emit_text(text);
            if (in_.substr(pos_).starts_with("/*")) {
                skip_comment();
                continue;
            }
            out_.push_back({Token::Kind::left, "{{", line_});
            spaced_ = true;
            lex_action();
        }
        out_.push_back({Token::Kind::eof, "", line_});
        return std::move(out_);
    }

  private:
    void emit_text(std::string_view text) {
        if (!text.empty()) out_.push_back({Token::Kind::text, std::string(text), line_});
        for (char c : text)
            if (c == '\n') ++line_;
    }

    // After "{{" (and an optional "- "): a comment runs to "*/" then "}}" or " -}}".
    void skip_comment() {
        size_t end = in_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) fail(line_, "unclosed comment");
        for (size_t i = pos_; i < end; ++i)
            if (in_[i] == '\n') ++line_;
        pos_ = end + 2;
        if (in_.substr(pos_).starts_with(" -}}")) {
            pos_ += 4;
            while (pos_ < in_.size() && is_space(in_[pos_])) {
                if (in_[pos_] == '\n') ++line_;
                ++pos_;
            }
        } else if (in_.substr(pos_).starts_with("}}")) {
            pos_ += 2;
        } else {
            fail(line_, "comment ends before closing delimiter");
        }
    }

    bool at_right_delim(bool& trim) const {
        trim = false;
        if (in_.substr(pos_).starts_with("}}")) return true;
        if (pos_ > 0 && is_space(in_[pos_]) && in_.substr(pos_ + 1).starts_with("-}}")) {
            trim = true;
            return true;
        }
        return false;
    }

    void lex_action() {
        int paren_depth = 0;
        for (;;) {
            bool trim = false;
            if (pos_ >= in_.size()) fail(line_, "unclosed action");
            if (at_right_delim(trim)) {
                if (paren_depth > 0) fail(line_, "unclosed left paren");
                pos_ += trim ? 4 : 2;
                add({Token::Kind::right, "}}", line_});
                if (trim) {
                    while (pos_ < in_.size() && is_space(in_[pos_])) {
                        if (in_[pos_] == '\n') ++line_;
                        ++pos_;
                    }
                }
                return;
            }
            char c = in_[pos_];
            token_start_ = pos_;
            if (is_space(c)) {
                if (c == '\n') ++line_;  // Go allows newlines inside actions since 1.16
                ++pos_;
                spaced_ = true;
                continue;
            }
            switch (c) {
                case '|':
                    push(Token::Kind::pipe, "|", 1);
                    continue;
                case '(':
                    ++paren_depth;
                    push(Token::Kind::lparen, "(", 1);
                    continue;
                case ')':
                    if (--paren_depth < 0) fail(line_, "unexpected right paren");
                    push(Token::Kind::rparen, ")", 1);
                    continue;
                case ',':
                    push(Token::Kind::comma, ",", 1);
                    continue;
                case '=':
                    push(Token::Kind::assign, "=", 1);
                    continue;
                case ':':
                    if (in_.substr(pos_).starts_with(":=")) {
                        push(Token::Kind::declare, ":=", 2);
                        continue;
                    }
                    fail(line_, "expected :=");
                case '"':
                    lex_quoted();
                    continue;
                case '`':
                    lex_raw();
                    continue;
                case '\'':
                    lex_char();
                    continue;
                case '$':
                    lex_word(Token::Kind::variable, 1);
                    continue;
                case '.':
                    if (pos_ + 1 < in_.size() && is_alnum(in_[pos_ + 1]) &&
                        !(in_[pos_ + 1] >= '0' && in_[pos_ + 1] <= '9')) {
                        lex_word(Token::Kind::field, 1);
                    } else if (pos_ + 1 < in_.size() && in_[pos_ + 1] >= '0' &&
                               in_[pos_ + 1] <= '9') {
                        lex_number();
                    } else {
                        push(Token::Kind::dot, ".", 1);
                    }
                    continue;
                default:
                    break;
            }
            if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
                lex_number();
                continue;
            }
            if (is_alnum(c)) {
                size_t start = pos_;
                while (pos_ < in_.size() && is_alnum(in_[pos_])) ++pos_;
                std::string word(in_.substr(start, pos_ - start));
                static const char* kKeywords[] = {
                    "if",    "else",  "end",      "range", "with", "define", "template",
                    "block", "break", "continue", "nil",   "true", "false"};
                bool keyword = false;
                for (const char* k : kKeywords) keyword = keyword || word == k;
                add({keyword ? Token::Kind::keyword : Token::Kind::identifier, word, line_});
                continue;
            }
            fail(line_, std::string("unexpected \"") + c + "\" in command");
        }
    }

    void push(Token::Kind kind, const char* text, size_t len) {
        add({kind, text, line_});
        pos_ += len;
    }

    void add(Token token) {
        size_t nl = token_start_ == 0 ? std::string_view::npos : in_.rfind('\n', token_start_ - 1);
        token.col =
            static_cast<int>(nl == std::string_view::npos ? token_start_ : token_start_ - nl - 1);
        token.spaced = spaced_;
        spaced_ = false;
        out_.push_back(std::move(token));
    }

    // A field or variable with the field chain that follows it: ".A.B", "$x.A".
    void lex_word(Token::Kind kind, size_t prefix) {
        size_t start = pos_;
        pos_ += prefix;
        for (;;) {
            while (pos_ < in_.size() && is_alnum(in_[pos_])) ++pos_;
            if (pos_ + 1 < in_.size() && in_[pos_] == '.' && is_alnum(in_[pos_ + 1])) {
                ++pos_;
                continue;
            }
            break;
        }
        add({kind, std::string(in_.substr(start, pos_ - start)), line_});
    }

    void lex_number() {
        size_t start = pos_;
        if (in_[pos_] == '+' || in_[pos_] == '-') ++pos_;
        while (pos_ < in_.size() && (is_alnum(in_[pos_]) || in_[pos_] == '.' ||
                                     ((in_[pos_] == '+' || in_[pos_] == '-') &&
                                      (in_[pos_ - 1] == 'e' || in_[pos_ - 1] == 'E'))))
            ++pos_;
        std::string text(in_.substr(start, pos_ - start));
        if (text == "-" || text == "+") fail(line_, "bad number syntax: \"" + text + "\"");
        add({Token::Kind::number, text, line_});
    }

    void lex_quoted() {
        std::string value;
        ++pos_;
        for (;;) {
            if (pos_ >= in_.size() || in_[pos_] == '\n') fail(line_, "unterminated quoted string");
            char c = in_[pos_++];
            if (c == '"') break;
            if (c != '\\') {
                value += c;
                continue;
            }
            if (pos_ >= in_.size()) fail(line_, "unterminated quoted string");
            char e = in_[pos_++];
            switch (e) {
                case 'n':
                    value += '\n';
                    break;
                case 't':
                    value += '\t';
                    break;
                case 'r':
                    value += '\r';
                    break;
                case 'a':
                    value += '\a';
                    break;
                case 'b':
                    value += '\b';
                    break;
                case 'f':
                    value += '\f';
                    break;
                case 'v':
                    value += '\v';
                    break;
                case '\\':
                    value += '\\';
                    break;
                case '"':
                    value += '"';
                    break;
                case '\'':
                    value += '\'';
                    break;
                case 'x': {
                    if (pos_ + 2 > in_.size()) fail(line_, "bad escape in string");
                    value +=
                        static_cast<char>(std::stoi(std::string(in_.substr(pos_, 2)), nullptr, 16));
                    pos_ += 2;
                    break;
                }
                default:
                    fail(line_, std::string("unknown escape sequence: \\") + e);
            }
        }
        add({Token::Kind::string, value, line_});
    }

    void lex_raw() {
        size_t end = in_.find('`', pos_ + 1);
        if (end == std::string_view::npos) fail(line_, "unterminated raw quoted string");
        std::string value(in_.substr(pos_ + 1, end - pos_ - 1));
        for (char c : value)
            if (c == '\n') ++line_;
        pos_ = end + 1;
        add({Token::Kind::string, value, line_});
    }

    void lex_char() {
        size_t end = pos_ + 1;
        if (end < in_.size() && in_[end] == '\\')
            end += 2;
        else
            ++end;
        if (end >= in_.size() || in_[end] != '\'') fail(line_, "unterminated character constant");
        std::string body(in_.substr(pos_ + 1, end - pos_ - 1));
        int code = static_cast<unsigned char>(body[0]);
        if (body.size() == 2) {
            switch (body[1]) {
                case 'n':
                    code = '\n';
                    break;
                case 't':
                    code = '\t';
                    break;
                case '\\':
                    code = '\\';
                    break;
                case '\'':
                    code = '\'';
                    break;
                default:
                    code = static_cast<unsigned char>(body[1]);
            }
        }
        pos_ = end + 1;
        add({Token::Kind::character, std::to_string(code), line_});
    }

    std::string_view in_;
    size_t pos_ = 0;
    size_t token_start_ = 0;  // where the token being lexed began, for its column
    int line_ = 1;
    bool spaced_ = false;
    std::vector<Token> out_;
};

}  // namespace

std::vector<Token> lex_template(std::string_view input) {
    return Lexer(input).run();
}

}  // namespace berth::cli::tmpl
