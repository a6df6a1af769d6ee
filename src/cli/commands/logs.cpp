// `berth logs`: GET /containers/{id}/logs streamed; demultiplexed unless the container has a TTY.
#include <unistd.h>

#include "cli/commands/command_util.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/timestamps.hpp"
#include "client/stdcopy.hpp"

namespace berth::cli {

int cmd_logs(Cli& cli, const Args& args) {
    bool follow = false, timestamps = false, details = false;
    std::string since, until, tail = "all";
    FlagSet flags("berth logs", "[OPTIONS] CONTAINER", "Fetch the logs of a container");
    flags.boolean(&details, "details", 0, "Show extra details provided to logs");
    flags.boolean(&follow, "follow", 'f', "Follow log output");
    flags.string(&since, "since", 0,
                 "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. "
                 "\"42m\" for 42 minutes)");
    flags.string(&tail, "tail", 'n',
                 "Number of lines to show from the end of the logs (default \"all\")");
    flags.boolean(&timestamps, "timestamps", 't', "Show timestamps");
    flags.string(&until, "until", 0,
                 "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. "
                 "\"42m\" for 42 minutes)");
    auto pos = parse_args(cli, flags, args);
    if (!pos) return 0;
    flags.require_exact_args(*pos, 1);

    Json info = cli.api().get_json(container_path((*pos)[0], "/json"));
    bool tty = info.value("Config", Json::object()).value("Tty", false);
    std::string id = info.value("Id", (*pos)[0]);
    Query q;
    q.add("stdout", "1").add("stderr", "1");
    q.add_if(!since.empty(), "since", api_timestamp(since));
    q.add_if(!until.empty(), "until", api_timestamp(until));
    q.flag("timestamps", timestamps);
    q.flag("follow", follow);
    q.add("tail", tail);
    q.flag("details", details);
    client::StdcopyDecoder demux([](client::StdStream stream, std::string_view data) {
        std::FILE* f = stream == client::StdStream::stderr_ ? stderr : stdout;
        std::fwrite(data.data(), 1, data.size(), f);
        if (stream == client::StdStream::stderr_) std::fflush(stdout);
    });
    cli.api().stream("GET", container_path(id, "/logs"), q, [&](std::string_view data) {
        if (tty)
            std::fwrite(data.data(), 1, data.size(), stdout);
        else
            demux.feed(data);
        if (follow) std::fflush(stdout);
        return true;
    });
    return 0;
}

}  // namespace berth::cli
