#pragma once
// One function per command; each parses its own flags (Docker's names and shorthands).
#include <string>
#include <vector>

namespace berth::cli {

class Cli;
using Args = std::vector<std::string>;

int cmd_version(Cli&, const Args&);
int cmd_info(Cli&, const Args&);
int cmd_run(Cli&, const Args&);
int cmd_create(Cli&, const Args&);
int cmd_start(Cli&, const Args&);
int cmd_attach(Cli&, const Args&);
int cmd_ps(Cli&, const Args&);
int cmd_rm(Cli&, const Args&);
int cmd_stop(Cli&, const Args&);
int cmd_restart(Cli&, const Args&);
int cmd_kill(Cli&, const Args&);
int cmd_wait(Cli&, const Args&);
int cmd_pause(Cli&, const Args&);
int cmd_unpause(Cli&, const Args&);
int cmd_rename(Cli&, const Args&);
int cmd_logs(Cli&, const Args&);
int cmd_inspect(Cli&, const Args&);
int cmd_container_inspect(Cli&, const Args&);
int cmd_image_inspect(Cli&, const Args&);
int cmd_exec(Cli&, const Args&);
int cmd_top(Cli&, const Args&);
int cmd_diff(Cli&, const Args&);
int cmd_commit(Cli&, const Args&);
int cmd_container_prune(Cli&, const Args&);
int cmd_stats(Cli&, const Args&);
int cmd_cp(Cli&, const Args&);
int cmd_export(Cli&, const Args&);
int cmd_images(Cli&, const Args&);
int cmd_rmi(Cli&, const Args&);
int cmd_tag(Cli&, const Args&);
int cmd_history(Cli&, const Args&);
int cmd_image_prune(Cli&, const Args&);
int cmd_import(Cli&, const Args&);
int cmd_save(Cli&, const Args&);
int cmd_load(Cli&, const Args&);
int cmd_pull(Cli&, const Args&);
int cmd_push(Cli&, const Args&);
int cmd_login(Cli&, const Args&);
int cmd_logout(Cli&, const Args&);
int cmd_events(Cli&, const Args&);
int cmd_system_df(Cli&, const Args&);
int cmd_system_prune(Cli&, const Args&);

}  // namespace berth::cli
