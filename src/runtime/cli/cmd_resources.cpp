// pause, resume, update, events.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/cli/args.hpp"
#include "runtime/cli/commands.hpp"
#include "runtime/container.hpp"

namespace berth::runtime::cli {

int cmd_pause(const Global& g, const Argv& argv) {
    Args a("pause", argv, {});
    a.require_positionals(1, 1, "<container-id>");
    Runtime(g.root).pause(a.id());
    return 0;
}

int cmd_resume(const Global& g, const Argv& argv) {
    Args a("resume", argv, {});
    a.require_positionals(1, 1, "<container-id>");
    Runtime(g.root).resume(a.id());
    return 0;
}

int cmd_update(const Global& g, const Argv& argv) {
    const std::vector<OptionSpec> specs = {
        {{"--resources", "-r"}, true}, {{"--memory"}, true},       {{"--memory-reservation"}, true},
        {{"--memory-swap"}, true},     {{"--kernel-memory"}, true}, {{"--cpu-shares"}, true},
        {{"--cpu-quota"}, true},       {{"--cpu-period"}, true},    {{"--cpu-rt-runtime"}, true},
        {{"--cpu-rt-period"}, true},   {{"--cpuset-cpus"}, true},   {{"--cpuset-mems"}, true},
        {{"--pids-limit"}, true},      {{"--blkio-weight"}, true},  {{"--l3-cache-schema"}, true},
        {{"--mem-bw-schema"}, true},
    };
    Args a("update", argv, specs);
    a.require_positionals(1, 1, "[options] <container-id>");
    Resources r;
    if (auto file = a.value("--resources")) {
        std::string text;
        if (*file == "-") {
            char buf[4096];
            ssize_t n;
            while ((n = ::read(0, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
        } else {
            text = read_file(*file);
        }
        Json j = parse_json(text, *file);
        r = parse_resources(JsonReader(j, *file));
    }
    auto num = [&](const char* flag) -> std::optional<long long> {
        auto v = a.value(flag);
        if (!v) return std::nullopt;
        try {
            return std::stoll(*v);
        } catch (...) {
            throw Error(Errc::invalid_argument, std::string("update: ") + flag + ": invalid number \"" + *v + "\"");
        }
    };
    if (auto v = a.value("--memory")) r.memory.limit = parse_size(*v, "--memory");
    if (auto v = a.value("--memory-reservation")) r.memory.reservation = parse_size(*v, "--memory-reservation");
    if (auto v = a.value("--memory-swap")) r.memory.swap = parse_size(*v, "--memory-swap");
    if (auto v = num("--cpu-shares")) r.cpu.shares = static_cast<uint64_t>(*v);
    if (auto v = num("--cpu-quota")) r.cpu.quota = *v;
    if (auto v = num("--cpu-period")) r.cpu.period = static_cast<uint64_t>(*v);
    if (auto v = num("--cpu-rt-runtime")) r.cpu.realtime_runtime = *v;
    if (auto v = num("--cpu-rt-period")) r.cpu.realtime_period = static_cast<uint64_t>(*v);
    if (auto v = a.value("--cpuset-cpus")) r.cpu.cpus = *v;
    if (auto v = a.value("--cpuset-mems")) r.cpu.mems = *v;
    if (auto v = num("--pids-limit")) r.pids_limit = *v;
    if (auto v = num("--blkio-weight")) r.block_io.weight = static_cast<uint16_t>(*v);
    Runtime(g.root).update(a.id(), r);
    return 0;
}

int cmd_events(const Global& g, const Argv& argv) {
    Args a("events", argv, {{{"--stats"}, false}, {{"--interval"}, true}});
    a.require_positionals(1, 1, "[--stats] [--interval 5s] <container-id>");
    Runtime rt(g.root);
    auto print = [&] {
        Json e = {{"type", "stats"}, {"id", a.id()}, {"data", rt.stats(a.id())}};
        std::puts(e.dump().c_str());
        std::fflush(stdout);
    };
    if (a.flag("--stats")) {
        print();
        return 0;
    }
    std::string interval = a.value_or("--interval", "5s");
    double seconds = std::atof(interval.c_str());
    if (interval.find("ms") != std::string::npos) seconds /= 1000;
    else if (interval.back() == 'm') seconds *= 60;
    if (seconds <= 0) throw Error(Errc::invalid_argument, "events: invalid --interval \"" + interval + "\"");
    for (;;) {
        auto rec = rt.store().load(a.id());
        if (rt.status(rec) == Status::stopped) return 0;
        print();
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    }
}

}  // namespace berth::runtime::cli
