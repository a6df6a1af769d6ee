#pragma once
// The swarm-mode resources (/swarm, /services, /nodes, /tasks, /secrets, /configs) as dockerd
// answers them on a node outside a swarm: berth has no swarm mode, and clients' clean-up
// paths (SDK test suites delete services and secrets) expect dockerd's 503, not a 404.
#include "api/route.hpp"

namespace berth::api {

class SwarmRouter : public Router {
  public:
    std::vector<Route> routes() override;
};

}  // namespace berth::api
