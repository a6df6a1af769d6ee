// The Go template subset against what Go's text/template (with Docker's functions) prints.
#include "cli/template/template.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace berth::cli::tmpl {
namespace {

std::string run(const std::string& text, const Json& data) {
    return Template::parse(text).execute(data);
}

const Json kContainer = Json::parse(R"({
  "Id": "4f66ad9a0b2e",
  "Name": "/web",
  "State": {"Status": "running", "Running": true, "ExitCode": 0, "Pid": 42, "Health": null},
  "Config": {"Env": ["PATH=/bin", "A=b"], "Labels": {"b": "2", "a": "1"}, "Cmd": ["sh", "-c", "echo hi"],
             "Image": "busybox", "Tty": false},
  "HostConfig": {"Memory": 67108864, "NanoCpus": 1500000000, "CpuShares": 0},
  "Ratio": 1.5,
  "Big": 1000000.0,
  "Mounts": []
})");

TEST(Template, PlainFieldsAndChains) {
    EXPECT_EQ(run("{{.Id}}", kContainer), "4f66ad9a0b2e");
    EXPECT_EQ(run("{{.State.Status}} {{.State.Pid}}", kContainer), "running 42");
    EXPECT_EQ(run("{{.HostConfig.Memory}}", kContainer), "67108864");
    EXPECT_EQ(run("text only", kContainer), "text only");
    EXPECT_EQ(run("{{.State.Running}}", kContainer), "true");
}

TEST(Template, MissingAndNilPrintLikeGo) {
    EXPECT_EQ(run("{{.Nope}}", kContainer), "<no value>");
    EXPECT_EQ(run("{{.State.Health}}", kContainer), "<nil>");
    EXPECT_THROW(run("{{.Nope.Deeper}}", kContainer), Error);
    EXPECT_THROW(run("{{.Id.Deeper}}", kContainer), Error);
}

TEST(Template, ValuesPrintWithFmtV) {
    EXPECT_EQ(run("{{.Config.Env}}", kContainer), "[PATH=/bin A=b]");
    EXPECT_EQ(run("{{.Config.Labels}}", kContainer), "map[a:1 b:2]");
    EXPECT_EQ(run("{{.Ratio}}", kContainer), "1.5");
    EXPECT_EQ(run("{{.Big}}", kContainer), "1e+06");
    EXPECT_EQ(run("{{.Mounts}}", kContainer), "[]");
}

TEST(Template, JsonFunction) {
    EXPECT_EQ(run("{{json .Config.Cmd}}", kContainer), R"(["sh","-c","echo hi"])");
    EXPECT_EQ(run("{{json .State.Health}}", kContainer), "null");
    EXPECT_EQ(run("{{json .Config.Labels}}", kContainer),
              R"({"b":"2","a":"1"})");  // daemon order kept
    EXPECT_EQ(run("{{json .Name}}", kContainer), R"("/web")");
    EXPECT_EQ(run("{{json \"<&>\"}}", kContainer), R"("<&>")");  // no HTML escaping, as Docker
}

TEST(Template, StringFunctions) {
    EXPECT_EQ(run("{{upper .State.Status}}", kContainer), "RUNNING");
    EXPECT_EQ(run("{{lower \"ABC\"}}", kContainer), "abc");
    EXPECT_EQ(run("{{title \"hello world-x\"}}", kContainer), "Hello World-X");
    EXPECT_EQ(run("{{join .Config.Cmd \" \"}}", kContainer), "sh -c echo hi");
    EXPECT_EQ(run("{{split \"a,b,c\" \",\"}}", kContainer), "[a b c]");
    EXPECT_EQ(run("{{index (split \"a:b\" \":\") 1}}", kContainer), "b");
    EXPECT_EQ(run("{{truncate .Id 4}}", kContainer), "4f66");
    EXPECT_EQ(run("{{truncate \"ab\" 4}}", kContainer), "ab");
    EXPECT_EQ(run("[{{pad .State.Status 1 2}}]", kContainer), "[ running  ]");
    EXPECT_EQ(run("[{{pad \"\" 1 2}}]", kContainer), "[]");
}

TEST(Template, Pipelines) {
    EXPECT_EQ(run("{{.State.Status | upper}}", kContainer), "RUNNING");
    EXPECT_EQ(run("{{.Name | printf \"%s!\"}}", kContainer), "/web!");
    EXPECT_EQ(run("{{.Config.Cmd | json}}", kContainer), R"(["sh","-c","echo hi"])");
    EXPECT_EQ(run("{{\"x\" | printf \"%s-%s\" \"y\"}}", kContainer), "y-x");
}

TEST(Template, Printf) {
    EXPECT_EQ(run("{{printf \"%-6s|\" \"ab\"}}", kContainer), "ab    |");
    EXPECT_EQ(run("{{printf \"%5d|%05d\" 42 42}}", kContainer), "   42|00042");
    EXPECT_EQ(run("{{printf \"%q\" .Name}}", kContainer), "\"/web\"");
    EXPECT_EQ(run("{{printf \"%v %v\" .Config.Env .State.Running}}", kContainer),
              "[PATH=/bin A=b] true");
    EXPECT_EQ(run("{{printf \"%.2f%%\" .Ratio}}", kContainer), "1.50%");
    EXPECT_EQ(run("{{printf \"%x\" 255}}", kContainer), "ff");
    EXPECT_EQ(run("{{printf \"%d\"}}", kContainer), "%!d(MISSING)");
    EXPECT_EQ(run("{{printf \"%d\" \"s\"}}", kContainer), "%!d(string=s)");
}

TEST(Template, PrintAndPrintln) {
    EXPECT_EQ(run("{{print \"a\" \"b\"}}", kContainer), "ab");
    EXPECT_EQ(run("{{print 1 2}}", kContainer), "1 2");
    EXPECT_EQ(run("{{print \"a\" 1}}", kContainer), "a1");
    EXPECT_EQ(run("{{println \"a\" 1}}", kContainer), "a 1\n");
}

TEST(Template, IfElse) {
    EXPECT_EQ(run("{{if .State.Running}}up{{else}}down{{end}}", kContainer), "up");
    EXPECT_EQ(run("{{if .State.ExitCode}}bad{{else}}ok{{end}}", kContainer), "ok");
    EXPECT_EQ(run("{{if .Nope}}x{{else if .State.Running}}y{{else}}z{{end}}", kContainer), "y");
    EXPECT_EQ(run("{{if eq .State.Status \"exited\" \"running\"}}match{{end}}", kContainer),
              "match");
    EXPECT_EQ(run("{{if and .State.Running (not .Config.Tty)}}ok{{end}}", kContainer), "ok");
    EXPECT_EQ(run("{{if or .Config.Tty .Mounts}}x{{else}}empty{{end}}", kContainer), "empty");
    EXPECT_EQ(run("{{if ne .State.Pid 0}}pid{{end}}", kContainer), "pid");
    EXPECT_EQ(run("{{if gt .HostConfig.Memory 1000}}big{{end}}", kContainer), "big");
    EXPECT_EQ(run("{{if eq .State.Health nil}}none{{end}}", kContainer), "none");
}

TEST(Template, RangeAndVariables) {
    EXPECT_EQ(run("{{range .Config.Env}}[{{.}}]{{end}}", kContainer), "[PATH=/bin][A=b]");
    EXPECT_EQ(run("{{range $i, $e := .Config.Env}}{{$i}}={{$e}} {{end}}", kContainer),
              "0=PATH=/bin 1=A=b ");
    // Maps range in key order.
    EXPECT_EQ(run("{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}},{{end}}", kContainer),
              "a:1,b:2,");
    EXPECT_EQ(run("{{range .Mounts}}x{{else}}no mounts{{end}}", kContainer), "no mounts");
    EXPECT_EQ(run("{{range .Config.Env}}{{$.Id}} {{end}}", kContainer),
              "4f66ad9a0b2e 4f66ad9a0b2e ");
    EXPECT_EQ(run("{{$n := .Name}}{{$n}}", kContainer), "/web");
    EXPECT_EQ(run("{{$n := 1}}{{$n = 2}}{{$n}}", kContainer), "2");
    EXPECT_EQ(
        run("{{range .Config.Env}}{{if eq . \"A=b\"}}{{break}}{{end}}{{.}};{{end}}", kContainer),
        "PATH=/bin;");
    EXPECT_EQ(run("{{range .Config.Env}}{{if eq . \"PATH=/bin\"}}{{continue}}{{end}}{{.}};{{end}}",
                  kContainer),
              "A=b;");
}

TEST(Template, With) {
    EXPECT_EQ(run("{{with .State}}{{.Status}}{{end}}", kContainer), "running");
    EXPECT_EQ(run("{{with .State.Health}}{{.Status}}{{else}}no health{{end}}", kContainer),
              "no health");
}

TEST(Template, IndexAndLen) {
    EXPECT_EQ(run("{{index .Config.Cmd 2}}", kContainer), "echo hi");
    EXPECT_EQ(run("{{index .Config.Labels \"a\"}}", kContainer), "1");
    EXPECT_EQ(run("{{index .Config.Labels \"zz\"}}", kContainer), "<nil>");
    EXPECT_EQ(run("{{len .Config.Env}} {{len .Name}}", kContainer), "2 4");
    EXPECT_EQ(run("{{slice .Id 0 4}}", kContainer), "4f66");
}

TEST(Template, TrimMarkersAndComments) {
    EXPECT_EQ(run("a  {{- .Id -}}  b", kContainer), "a4f66ad9a0b2eb");
    EXPECT_EQ(run("a {{/* note */}}b", kContainer), "a b");
    EXPECT_EQ(run("a {{- /* note */ -}} b", kContainer), "ab");
    EXPECT_EQ(run("{{range .Config.Env}}\n  {{- .}}\n{{- end}}", kContainer), "PATH=/binA=b");
    EXPECT_EQ(run("{{-3}}", kContainer), "-3");
}

TEST(Template, Literals) {
    EXPECT_EQ(run("{{\"a\\tb\"}}", kContainer), "a\tb");
    EXPECT_EQ(run("{{`raw\\n`}}", kContainer), "raw\\n");
    EXPECT_EQ(run("{{1.5}} {{true}} {{0x10}}", kContainer), "1.5 true 16");
}

TEST(Template, Methods) {
    auto t = Template::parse("{{.Label \"a\"}}");
    t.set_method("Label", [](const Value& self, std::vector<Value>& args) {
        return Value(self.json["L"].value(args.at(0).json.get<std::string>(), ""));
    });
    EXPECT_EQ(t.execute(Json::parse(R"({"L":{"a":"x"}})")), "x");
}

TEST(Template, CustomFunction) {
    auto t = Template::parse("{{range $k := keys .}}{{$k}} {{end}}");
    t.set_function("keys", [](std::vector<Value>& args) {
        Json out = Json::array();
        for (auto& [k, v] : args.at(0).json.items()) out.push_back(k);
        return Value(out);
    });
    EXPECT_EQ(t.execute(Json::parse(R"({"b":1,"a":2})")), "b a ");
}

TEST(Template, HeaderFunctionsKeepNames) {
    auto t = Template::parse("{{upper .Name}}\t{{json .Labels}}\t{{pad .X 1 1}}");
    t.use_header_functions();
    EXPECT_EQ(t.execute(Json::parse(R"({"Name":"NAMES","Labels":"LABELS","X":"X"})")),
              "NAMES\tLABELS\t X ");
}

TEST(Template, ParseErrors) {
    EXPECT_THROW(Template::parse("{{.Id"), Error);
    EXPECT_THROW(Template::parse("{{if .Id}}x"), Error);
    EXPECT_THROW(Template::parse("{{end}}"), Error);
    EXPECT_THROW(Template::parse("{{\"abc}}"), Error);
    EXPECT_THROW(Template::parse("{{(.Id}}"), Error);
    try {
        Template::parse("{{nosuch .Id}}").execute(kContainer);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("function \"nosuch\" not defined"), std::string::npos)
            << e.what();
    }
}

TEST(Template, ExecErrors) {
    EXPECT_THROW(run("{{join .Id \",\"}}", kContainer), Error);
    EXPECT_THROW(run("{{upper 1}}", kContainer), Error);
    EXPECT_THROW(run("{{lt .Id 1}}", kContainer), Error);
    EXPECT_THROW(run("{{.Id \"x\"}}", kContainer), Error);
    EXPECT_THROW(run("{{$nope}}", kContainer), Error);
}

// Go's own wording and position (line:column of the action) for a failed field.
std::string exec_error(Template t, const Json& data) {
    try {
        t.execute(data);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Template, MissingKeyModes) {
    // docker inspect: missingkey=error
    auto inspect = Template::parse("{{.Nope}}");
    inspect.missing_key_is_error();
    EXPECT_EQ(exec_error(inspect, kContainer),
              "template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
    // docker ps/images: the row is a Go struct
    auto ps = Template::parse("x {{ .Nope}}");
    ps.fields_of_struct("*formatter.ContainerContext");
    EXPECT_EQ(exec_error(ps, Json{{"Names", "web"}}),
              "template: :1:5: executing \"\" at <.Nope>: can't evaluate field Nope in type "
              "*formatter.ContainerContext");
}

TEST(Template, JsonOfAStructRowEscapesHtmlAsJsonMarshal) {
    Json row{{"Command", "\"a > b & c\""}};
    auto t = Template::parse("{{json .}}");
    t.fields_of_struct("*formatter.ContainerContext");
    EXPECT_EQ(t.execute(row), R"({"Command":"\"a \u003e b \u0026 c\""})");
    // a single value goes through docker's json function, which does not escape
    auto one = Template::parse("{{json .Command}}");
    one.fields_of_struct("*formatter.ContainerContext");
    EXPECT_EQ(one.execute(row), R"("\"a > b & c\"")");
    EXPECT_EQ(run("{{json .}}", row), R"({"Command":"\"a > b & c\""})");
}

}  // namespace
}  // namespace berth::cli::tmpl
