// `berth pull`, and the pull that `run`/`create` do for a missing image.
#include "cli/commands/image_pull.hpp"

#include <algorithm>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/registry_auth.hpp"
#include "cli/stream/json_messages.hpp"

namespace berth::cli {

void pull_image(Cli& cli, const ImageReference& ref, const PullOptions& options, std::FILE* out) {
    Query query;
    query.add("fromImage", ref.name());
    if (!options.all_tags)
        query.add("tag", ref.digest.empty() ? tag_name_only(ref).tag : ref.digest);
    if (!options.platform.empty()) {
        std::string platform = options.platform;
        std::transform(platform.begin(), platform.end(), platform.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        query.add("platform", platform);
    }
    client::Headers headers{{"X-Registry-Auth", registry_auth_header(cli, ref)}};
    JsonMessagePrinter printer(out, JsonMessagePrinter::for_stream(out));
    cli.api().stream(
        "POST", "/images/create", query,
        [&](std::string_view data) {
            printer.feed(data);
            return true;
        },
        std::nullopt, nullptr, std::move(headers));
    printer.finish();
}

int cmd_pull(Cli& cli, const Args& args) {
    bool quiet = false, all_tags = false;
    std::string platform;
    FlagSet flags("berth pull", "[OPTIONS] NAME[:TAG|@DIGEST]",
                  "Download an image from a registry");
    flags.boolean(&all_tags, "all-tags", 'a', "Download all tagged images in the repository");
    // berth has no content trust: accepted for scripts written for docker, and ignored.
    bool disable_content_trust = true;
    flags.boolean(&disable_content_trust, "disable-content-trust", 0,
                  "Skip image verification (default true)");
    flags.string(&platform, "platform", 0, "Set platform if server is multi-platform capable");
    flags.boolean(&quiet, "quiet", 'q', "Suppress verbose output");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);
    ImageReference ref = reference_for_transfer((*pos)[0], all_tags, [&](const std::string& line) {
        if (!quiet) cli.outln(line);
    });
    std::fflush(stdout);
    pull_image(cli, ref, PullOptions{all_tags, platform}, quiet ? nullptr : stdout);
    cli.outln(ref.str());
    return 0;
}

}  // namespace berth::cli
