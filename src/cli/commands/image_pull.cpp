#include "cli/commands/image_pull.hpp"

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"

namespace berth::cli {

std::string with_default_tag(const std::string& ref) {
    if (ref.find('@') != std::string::npos) return ref;
    return split_repo_tag(ref).tag.empty() ? ref + ":latest" : ref;
}

void print_json_messages(std::string_view chunk, std::string& pending, std::FILE* out, bool quiet) {
    pending.append(chunk);
    size_t start = 0;
    for (;;) {
        size_t nl = pending.find('\n', start);
        if (nl == std::string::npos) break;
        std::string line = pending.substr(start, nl - start);
        start = nl + 1;
        if (line.empty() || line == "\r") continue;
        auto msg = Json::parse(line, nullptr, false);
        if (!msg.is_object()) continue;
        if (msg.contains("errorDetail") || msg.contains("error")) {
            std::string text = msg.contains("errorDetail") && msg["errorDetail"].contains("message")
                                   ? msg["errorDetail"]["message"].get<std::string>()
                                   : msg.value("error", std::string("unknown error"));
            throw Error(Errc::internal, text);
        }
        if (quiet) continue;
        if (msg.contains("stream") && msg["stream"].is_string()) {
            std::fputs(msg["stream"].get<std::string>().c_str(), out);
            continue;
        }
        std::string status = msg.value("status", "");
        if (status.empty()) continue;
        // Progress updates ("Downloading", "Extracting" with a bar) are noise without a terminal.
        if (msg.contains("progressDetail") && !msg["progressDetail"].empty()) continue;
        std::string id = msg.value("id", "");
        if (!id.empty())
            std::fprintf(out, "%s: %s\n", id.c_str(), status.c_str());
        else
            std::fprintf(out, "%s\n", status.c_str());
    }
    pending.erase(0, start);
    std::fflush(out);
}

void pull_image(Cli& cli, const std::string& ref, bool quiet, std::FILE* out) {
    std::string name = ref, tag;
    if (auto at = ref.find('@'); at != std::string::npos) {
        name = ref.substr(0, at);
        tag = ref.substr(at + 1);
    } else {
        auto split = split_repo_tag(ref);
        name = split.repo;
        tag = split.tag.empty() ? "latest" : split.tag;
    }
    std::string pending;
    cli.api().stream("POST", "/images/create", Query().add("fromImage", name).add("tag", tag),
                     [&](std::string_view data) {
                         print_json_messages(data, pending, out, quiet);
                         return true;
                     });
}

int cmd_pull(Cli& cli, const Args& args) {
    bool quiet = false, all_tags = false;
    std::string platform;
    FlagSet flags("berth pull", "[OPTIONS] NAME[:TAG|@DIGEST]",
                  "Download an image from a registry");
    flags.boolean(&all_tags, "all-tags", 'a', "Download all tagged images in the repository");
    flags.string(&platform, "platform", 0, "Set platform if server is multi-platform capable");
    flags.boolean(&quiet, "quiet", 'q', "Suppress verbose output");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);
    std::string ref = with_default_tag((*pos)[0]);
    if (!quiet && (*pos)[0].find(':') == std::string::npos &&
        (*pos)[0].find('@') == std::string::npos)
        cli.outln("Using default tag: latest");
    pull_image(cli, ref, quiet, stdout);
    cli.outln(ref.find('/') == std::string::npos ? "docker.io/library/" + ref : ref);
    return 0;
}

}  // namespace berth::cli
