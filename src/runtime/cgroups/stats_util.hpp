#pragma once
// Pieces of `runc events --stats` "data" shared by v1, hybrid and v2: every field comes
// from one file, and a missing file leaves the field out rather than failing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_reader.hpp"

namespace berth::runtime::cgroups {

// Sets obj[key] when value is present.
void put(Json& obj, const char* key, std::optional<uint64_t> value);
// Sets parent[key] = obj when obj is a non-empty object or array.
void put_nonempty(Json& parent, const char* key, Json obj);

// Page sizes ("2MB") with a file hugetlb.<size><suffix> in dir, e.g. suffix ".max".
std::vector<std::string> hugetlb_sizes(const std::string& dir, const std::string& suffix);
// hugetlb stats from a cgroup2 directory (hugetlb.<size>.current, .events "max").
Json hugetlb_stats_v2(const std::string& dir);

// v1 blkio files: "8:0 Read 4096" lines -> [{"major","minor","op","value"}]; "Total" lines skipped.
Json blkio_entries_v1(const std::string& text);
// v2 io.stat: "8:0 rbytes=.. wbytes=.. rios=.. wios=.." -> {"ioServiceBytesRecursive": [...],
// "ioServicedRecursive": [...]} with ops Read and Write, as runc reports them.
Json io_stat_v2(const std::string& text);

}  // namespace berth::runtime::cgroups
