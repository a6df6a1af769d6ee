#pragma once
// One `docker stats` row from a stats JSON sample: CPU % from the delta against precpu_stats,
// memory without the page cache, network and block I/O totals, pids (formatter/stats.go).
#include "cli/template/template_ast.hpp"

namespace berth::cli {

tmpl::Json stats_row(const tmpl::Json& stats, const std::string& id, const std::string& name);
tmpl::Json stats_header();
inline constexpr const char* kStatsTableFormat =
    "table "
    "{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{."
    "PIDs}}";

}  // namespace berth::cli
