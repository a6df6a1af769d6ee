// `berth push`: POST /images/{name}/push?tag= with the registry's credentials in X-Registry-Auth
// (always sent: an empty login is "{}", as docker sends it), the progress drawn as docker does.
#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/registry_auth.hpp"
#include "cli/format/note.hpp"
#include "cli/registry/auth_config.hpp"
#include "cli/registry/platform.hpp"
#include "cli/stream/json_messages.hpp"

namespace berth::cli {

namespace {

// As docker 28's client: the full name ("docker.io/library/app", "127.0.0.1:5000/app"), its
// '/' and ':' as they are.
std::string push_path(const ImageReference& ref) {
    std::string escaped = client::path_escape(ref.name()), out;
    for (size_t i = 0; i < escaped.size(); ++i) {
        if (escaped.compare(i, 3, "%3A") == 0) {
            out += ':';
            i += 2;
        } else {
            out += escaped[i];
        }
    }
    return "/images/" + out + "/push";
}

}  // namespace

int cmd_push(Cli& cli, const Args& args) {
    bool quiet = false, all_tags = false;
    std::string platform;
    FlagSet flags("berth push", "[OPTIONS] NAME[:TAG]", "Upload an image to a registry");
    flags.boolean(&all_tags, "all-tags", 'a', "Push all tags of an image to the repository");
    // berth has no content trust: accepted for scripts written for docker, and ignored.
    bool disable_content_trust = true;
    flags.boolean(&disable_content_trust, "disable-content-trust", 0,
                  "Skip image signing (default true)");
    flags.string(&platform, "platform", 0,
                 "Push a platform-specific manifest as a single-platform image to the registry "
                 "('os[/arch[/variant]]', eg. linux/amd64)");
    flags.boolean(&quiet, "quiet", 'q', "Suppress verbose output");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);

    Query query;
    if (!platform.empty()) {
        client::Json parsed;
        try {
            parsed = parse_platform(platform);
        } catch (const std::exception&) {
            cli.err("Invalid platform " + platform);  // docker's words, without a newline
            throw;
        }
        print_note(stdout,
                   "Using --platform pushes only the specified platform manifest of a "
                   "multi-platform image index.\nOther components, like attestations, will not be "
                   "included.\nTo push the complete multi-platform image, remove the --platform "
                   "flag.\n");
        query.add("platform", go_json(parsed));
    }
    ImageReference ref = reference_for_transfer((*pos)[0], all_tags, [&](const std::string& line) {
        if (!quiet) cli.outln(line);
    });
    if (!ref.digest.empty()) throw Error(Errc::invalid_argument, "cannot push a digest reference");
    if (!all_tags) query.add("tag", ref.tag);
    std::fflush(stdout);

    client::Headers headers{{"X-Registry-Auth", registry_auth_header(cli, ref)}};
    std::FILE* out = quiet ? nullptr : stdout;
    JsonMessagePrinter printer(out, JsonMessagePrinter::for_stream(out));
    cli.api().stream(
        "POST", push_path(ref), query,
        [&](std::string_view data) {
            printer.feed(data);
            return true;
        },
        std::nullopt, nullptr, std::move(headers));
    printer.finish();
    if (quiet) cli.outln(ref.str());
    return 0;
}

}  // namespace berth::cli
