#pragma once
// The rows `ps` and `images` render, with Docker's field names and values (formatter
// ContainerContext / ImageContext): what {{.Field}} and {{json .}} see.
#include <string>
#include <vector>

#include "cli/template/template_ast.hpp"

namespace berth::cli {

using tmpl::Json;

inline constexpr const char* kContainerTableFormat =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
inline constexpr const char* kImageTableFormat =
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
inline constexpr const char* kImageTableDigestFormat =
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

// One GET /containers/json entry -> the ContainerContext fields.
Json container_row(const Json& summary, bool trunc);
Json container_header();
// "0.0.0.0:80->9090/tcp, 9988/tcp" from the Ports array.
std::string displayable_ports(const Json& ports);

// One GET /images/json entry -> one row per repository:tag (or <none>).
std::vector<Json> image_rows(const Json& summary, bool trunc, bool digests);
Json image_header();

}  // namespace berth::cli
