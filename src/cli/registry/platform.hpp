#pragma once
// containerd's platforms.Parse for `push --platform`: "os[/arch[/variant]]" (or an architecture
// alone, meaning linux), normalised ("x86_64" is amd64, "aarch64" arm64, arm is v7 unless said),
// as the OCI platform JSON the API takes ({"architecture","os","variant"}).
#include <string>

#include "client/api_client.hpp"

namespace berth::cli {

// Throws invalid_argument for a specifier that is not one.
client::Json parse_platform(const std::string& spec);

}  // namespace berth::cli
