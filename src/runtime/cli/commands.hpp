#pragma once
// One function per berth-runtime command; each returns the process exit code.
#include <string>
#include <vector>

namespace berth::runtime::cli {

struct Global {
    std::string root = "/run/berth-runtime";
    std::string log;
    std::string log_format = "text";
    bool debug = false;
};

using Argv = std::vector<std::string>;

int cmd_spec(const Global& g, const Argv& argv);
int cmd_create(const Global& g, const Argv& argv);
int cmd_start(const Global& g, const Argv& argv);
int cmd_run(const Global& g, const Argv& argv);
int cmd_state(const Global& g, const Argv& argv);
int cmd_list(const Global& g, const Argv& argv);
int cmd_kill(const Global& g, const Argv& argv);
int cmd_delete(const Global& g, const Argv& argv);
int cmd_exec(const Global& g, const Argv& argv);
int cmd_ps(const Global& g, const Argv& argv);
int cmd_pause(const Global& g, const Argv& argv);
int cmd_resume(const Global& g, const Argv& argv);
int cmd_update(const Global& g, const Argv& argv);
int cmd_events(const Global& g, const Argv& argv);
int cmd_features(const Global& g, const Argv& argv);

}  // namespace berth::runtime::cli
