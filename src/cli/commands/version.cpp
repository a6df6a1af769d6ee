// `berth version`: the client's and the daemon's versions in Docker's layout and template.
#include <sys/utsname.h>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/format/display.hpp"
#include "cli/format/tab_writer.hpp"
#include "cli/template/template.hpp"
#include "client/api_version.hpp"
#include "client/errors.hpp"

#ifndef BERTH_GIT_COMMIT
#define BERTH_GIT_COMMIT "unknown"
#endif
#ifndef BERTH_BUILD_TIME
#define BERTH_BUILD_TIME ""
#endif

namespace berth::cli {

namespace {

// docker/cli's defaultVersionTemplate.
constexpr const char* kVersionTemplate = R"({{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:	{{.Version}}
 API version:	{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Go version:	{{.GoVersion}}
 Git commit:	{{.GitCommit}}
 Built:	{{.BuildTime}}
 OS/Arch:	{{.Os}}/{{.Arch}}
 Context:	{{.Context}}
{{- end}}

{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:	{{.Version}}
  API version:	{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:	{{index .Details "GoVersion"}}
  Git commit:	{{index .Details "GitCommit"}}
  Built:	{{index .Details "BuildTime"}}
  OS/Arch:	{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:	{{index .Details "Experimental"}}
  {{- else }}
  Version:	{{$component.Version}}
  {{- $detailsOrder := getDetailsOrder $component}}
  {{- range $key := $detailsOrder}}
  {{$key}}:	{{index $component.Details $key}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}})";

// RFC 3339 -> Go's time.ANSIC ("Mon Jan _2 15:04:05 2006"), as docker's reformatDate.
std::string reformat_date(const std::string& text) {
    try {
        int64_t ns = parse_rfc3339_nano(text);
        time_t secs = static_cast<time_t>(ns / 1'000'000'000);
        tm parts{};
        gmtime_r(&secs, &parts);
        char buf[64];
        std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &parts);
        return buf;
    } catch (const std::exception&) {
        return text;
    }
}

std::string machine_arch() {
    utsname u{};
    ::uname(&u);
    std::string m = u.machine;
    if (m == "x86_64") return "amd64";
    if (m == "aarch64") return "arm64";
    return m;
}

}  // namespace

int cmd_version(Cli& cli, const std::vector<std::string>& args) {
    std::string format;
    FlagSet flags("berth version", "[OPTIONS]", "Show the berth version information");
    flags.string(&format, "format", 'f', "Format output using a custom template");
    auto positional = parse_args(cli, flags, args);
    if (!positional) return 0;
    flags.require_no_args(*positional);

    std::string text = format.empty() ? kVersionTemplate : format == "json" ? "{{json .}}" : format;
    tmpl::Template t = [&] {
        try {
            return tmpl::Template::parse(text);
        } catch (const Error& e) {
            throw StatusError(64, std::string("template parsing error: ") + e.what());
        }
    }();
    t.set_function("getDetailsOrder", [](std::vector<tmpl::Value>& a) {
        Json keys = Json::array();
        std::vector<std::string> sorted;
        if (!a.empty() && a[0].json.contains("Details"))
            for (auto& [k, v] : a[0].json["Details"].items()) sorted.push_back(k);
        std::sort(sorted.begin(), sorted.end());
        for (auto& k : sorted) keys.push_back(k);
        return tmpl::Value(keys);
    });

    Json client = Json::object();
    client["Platform"] = nullptr;
    client["Version"] = BERTH_VERSION;
    client["ApiVersion"] = std::string(client::kApiVersion);
    client["DefaultAPIVersion"] = std::string(client::kApiVersion);
    client["GitCommit"] = BERTH_GIT_COMMIT;
    client["GoVersion"] = "n/a";
    client["Os"] = "linux";
    client["Arch"] = machine_arch();
    client["BuildTime"] = reformat_date(BERTH_BUILD_TIME);
    client["Context"] = "default";

    Json data = Json::object();
    std::string error;
    try {
        client["ApiVersion"] = cli.api().version();
        Json server = cli.api().get_json("/version");
        for (auto& c : server["Components"])
            if (c.value("Name", "") == "Engine" && c.contains("Details") &&
                c["Details"].contains("BuildTime"))
                c["Details"]["BuildTime"] =
                    reformat_date(c["Details"]["BuildTime"].get<std::string>());
        data["Client"] = client;
        data["Server"] = server;
    } catch (const std::exception& e) {
        client["ApiVersion"] = std::string(client::kApiVersion);
        data["Client"] = client;
        data["Server"] = nullptr;
        error = describe_error(e);
    }
    TabWriter writer(20, 1);
    std::string rendered;
    try {
        rendered = t.execute(data);
    } catch (const Error& e) {
        if (error.empty()) error = std::string("template: ") + e.what();
    }
    writer.write(rendered);
    writer.write("\n");
    cli.out(writer.flush());
    if (!error.empty()) throw StatusError(1, error);
    return 0;
}

}  // namespace berth::cli
