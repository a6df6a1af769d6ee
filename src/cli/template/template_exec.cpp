// Walks the parse tree against JSON data with Go's evaluation rules.
#include <algorithm>
#include <cctype>

#include "cli/template/go_print.hpp"
#include "cli/template/template.hpp"
#include "common/error.hpp"

namespace berth::cli::tmpl {

namespace {
struct BreakSignal {};
struct ContinueSignal {};
}  // namespace

class Executor {
  public:
    Executor(const Template& t, const Json& dot) : t_(t), root_(dot) {}

    std::string run() {
        vars_.emplace_back("$", root_);
        walk(*t_.nodes_, root_);
        return std::move(out_);
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        std::string at = pipe_ ? pipe_->source : "";
        int line = pipe_ ? pipe_->line : 1;
        std::string where = std::to_string(line);
        if (pipe_) where += ":" + std::to_string(pipe_->col);
        throw Error(Errc::invalid_argument,
                    "template: :" + where + ": executing \"\" at <" + at + ">: " + what);
    }

    void walk(const std::vector<Node>& nodes, const Value& dot) {
        for (const Node& node : nodes) walk_node(node, dot);
    }

    void walk_node(const Node& node, const Value& dot) {
        switch (node.kind) {
            case Node::Kind::text:
                out_ += node.text;
                return;
            case Node::Kind::action: {
                Value v = eval_pipeline(node.pipe, dot);
                if (node.pipe.vars.empty()) out_ += go_print(v);
                return;
            }
            case Node::Kind::break_:
                throw BreakSignal{};
            case Node::Kind::continue_:
                throw ContinueSignal{};
            case Node::Kind::if_:
            case Node::Kind::with: {
                size_t mark = vars_.size();
                Value v = eval_pipeline(node.pipe, dot);
                if (go_truth(v))
                    walk(node.body, node.kind == Node::Kind::with ? v : dot);
                else
                    walk(node.else_body, dot);
                vars_.resize(mark);
                return;
            }
            case Node::Kind::range:
                walk_range(node, dot);
                return;
        }
    }

    void walk_range(const Node& node, const Value& dot) {
        size_t mark = vars_.size();
        // The range pipeline's declarations are set per element, not to the collection.
        Pipeline pipe = node.pipe;
        std::vector<std::string> decl = std::move(pipe.vars);
        pipe.vars.clear();
        Value collection = eval_pipeline(pipe, dot);
        std::vector<std::pair<Json, Value>> items;
        const Json& j = collection.json;
        if (!collection.missing) {
            if (j.is_array()) {
                for (size_t i = 0; i < j.size(); ++i)
                    items.emplace_back(Json(static_cast<int64_t>(i)), Value(j[i]));
            } else if (j.is_object()) {
                std::vector<std::string> keys;
                for (const auto& [k, v] : j.items()) keys.push_back(k);
                std::sort(keys.begin(), keys.end());
                for (const auto& k : keys) items.emplace_back(Json(k), Value(j.at(k)));
            } else if (j.is_number_integer()) {
                for (int64_t i = 0; i < j.get<int64_t>(); ++i)
                    items.emplace_back(Json(i), Value(Json(i)));
            } else if (!j.is_null()) {
                pipe_ = &node.pipe;
                fail("range can't iterate over " + go_print(collection));
            }
        }
        for (auto& [key, element] : items) {
            size_t inner = vars_.size();
            if (decl.size() == 1) vars_.emplace_back(decl[0], element);
            if (decl.size() == 2) {
                vars_.emplace_back(decl[0], Value(key));
                vars_.emplace_back(decl[1], element);
            }
            try {
                walk(node.body, element);
            } catch (const BreakSignal&) {
                vars_.resize(inner);
                break;
            } catch (const ContinueSignal&) {
            }
            vars_.resize(inner);
        }
        if (items.empty()) walk(node.else_body, dot);
        vars_.resize(mark);
    }

    Value eval_pipeline(const Pipeline& pipe, const Value& dot) {
        const Pipeline* saved = pipe_;
        pipe_ = &pipe;
        Value value;
        bool have = false;
        for (const Command& cmd : pipe.commands) {
            value = eval_command(cmd, dot, have ? &value : nullptr);
            have = true;
        }
        for (const auto& name : pipe.vars) {
            if (pipe.assign) {
                auto it = std::find_if(vars_.rbegin(), vars_.rend(),
                                       [&](auto& p) { return p.first == name; });
                if (it == vars_.rend()) fail("undefined variable: " + name);
                it->second = value;
            } else {
                vars_.emplace_back(name, value);
            }
        }
        pipe_ = saved;
        return value;
    }

    Value eval_command(const Command& cmd, const Value& dot, const Value* final) {
        const Operand& first = cmd.args.front();
        if (first.kind == Operand::Kind::identifier)
            return call_function(first.name, cmd, dot, final);
        bool has_args = cmd.args.size() > 1 || final != nullptr;
        if (first.kind == Operand::Kind::field || first.kind == Operand::Kind::variable ||
            (first.kind == Operand::Kind::pipeline && !first.fields.empty())) {
            Value base = first.kind == Operand::Kind::field      ? dot
                         : first.kind == Operand::Kind::variable ? variable(first.name)
                                                                 : eval_pipeline(*first.pipe, dot);
            if (first.fields.empty()) {
                if (has_args) fail("can't give argument to non-function " + first.name);
                return base;
            }
            std::vector<Value> args;
            if (has_args) {
                for (size_t i = 1; i < cmd.args.size(); ++i)
                    args.push_back(eval_operand(cmd.args[i], dot));
                if (final) args.push_back(*final);
            }
            return eval_fields(base, first.fields, args, has_args);
        }
        if (has_args) fail("can't give argument to non-function " + operand_text(first));
        return eval_operand(first, dot);
    }

    static std::string operand_text(const Operand& op) {
        if (op.kind == Operand::Kind::literal) return op.literal.dump();
        if (op.kind == Operand::Kind::dot) return ".";
        return op.name;
    }

    Value variable(const std::string& name) {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == name) return it->second;
        fail("undefined variable: " + name);
    }

    // Field chain: every name but the last is a plain field; the last may be a method call.
    Value eval_fields(Value receiver, const std::vector<std::string>& fields,
                      std::vector<Value>& args, bool has_args) {
        for (size_t i = 0; i < fields.size(); ++i) {
            bool last = i + 1 == fields.size();
            receiver = field(receiver, fields[i], args, last && has_args);
        }
        return receiver;
    }

    Value field(const Value& receiver, const std::string& name, std::vector<Value>& args,
                bool has_args) {
        const Json& j = receiver.json;
        bool is_key = !receiver.missing && j.is_object() && j.contains(name);
        auto method = t_.methods_.find(name);
        if (method != t_.methods_.end() && (!is_key || has_args))
            return method->second(receiver, args);
        if (receiver.missing || j.is_null()) fail("nil pointer evaluating interface {}." + name);
        if (!j.is_object()) {
            std::string type = j.is_string()         ? "string"
                               : j.is_array()        ? "[]interface {}"
                               : j.is_boolean()      ? "bool"
                               : j.is_number_float() ? "float64"
                                                     : "int";
            fail("can't evaluate field " + name + " in type " + type);
        }
        if (has_args) fail(name + " is not a method but has arguments");
        if (!is_key) {
            // Docker runs a template on its Go structs first and on the raw JSON second, so
            // both `.ID` (field) and `.Id` (JSON key) work; a case-insensitive match gives that.
            for (const auto& [key, value] : j.items())
                if (key.size() == name.size() &&
                    std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                        return std::tolower(static_cast<unsigned char>(a)) ==
                               std::tolower(static_cast<unsigned char>(b));
                    }))
                    return Value(value);
            if (!t_.struct_type_.empty())
                fail("can't evaluate field " + name + " in type " + t_.struct_type_);
            if (t_.missing_key_error_) fail("map has no entry for key \"" + name + "\"");
            return Value::none();
        }
        return Value(j.at(name));
    }

    Value eval_operand(const Operand& op, const Value& dot) {
        switch (op.kind) {
            case Operand::Kind::dot:
                return dot;
            case Operand::Kind::literal:
                return Value(op.literal);
            case Operand::Kind::nil:
                return Value(Json(nullptr));
            case Operand::Kind::identifier: {
                Command cmd;
                cmd.args.push_back(op);
                return call_function(op.name, cmd, dot, nullptr);
            }
            case Operand::Kind::field:
            case Operand::Kind::variable:
            case Operand::Kind::pipeline: {
                Value base = op.kind == Operand::Kind::field      ? dot
                             : op.kind == Operand::Kind::variable ? variable(op.name)
                                                                  : eval_pipeline(*op.pipe, dot);
                std::vector<Value> none;
                return eval_fields(base, op.fields, none, false);
            }
        }
        return Value::none();
    }

    Value call_function(const std::string& name, const Command& cmd, const Value& dot,
                        const Value* final) {
        auto fn = t_.functions_.find(name);
        if (fn == t_.functions_.end()) fail("function \"" + name + "\" not defined");
        std::vector<Value> args;
        for (size_t i = 1; i < cmd.args.size(); ++i) args.push_back(eval_operand(cmd.args[i], dot));
        if (final) args.push_back(*final);
        try {
            return fn->second(args);
        } catch (const Error& e) {
            fail("error calling " + name + ": " + e.what());
        }
    }

    const Template& t_;
    Value root_;
    std::string out_;
    std::vector<std::pair<std::string, Value>> vars_;
    const Pipeline* pipe_ = nullptr;
};

std::string Template::execute(const Json& dot) const {
    return Executor(*this, dot).run();
}

}  // namespace berth::cli::tmpl
