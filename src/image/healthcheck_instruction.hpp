#pragma once
// The HEALTHCHECK instruction as a Dockerfile (and `docker commit --change`) writes it:
//   HEALTHCHECK NONE
//   HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--start-interval=D]
//               [--retries=N] CMD command            (shell form: CMD-SHELL)
//   HEALTHCHECK [flags] CMD ["executable", "arg"]    (exec form: CMD)
// Errors use moby's wording.
#include <string>

#include "image/manifest.hpp"

namespace berth::image {

// `rest` is what follows the word HEALTHCHECK.
HealthConfig parse_healthcheck_instruction(const std::string& rest);

}  // namespace berth::image
