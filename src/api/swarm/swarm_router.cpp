#include "api/swarm/swarm_router.hpp"

#include "common/error.hpp"

namespace berth::api {

namespace {

// dockerd's errNoManager (daemon/cluster/errors.go), word for word: clients match on it.
const char* const kNotManager =
    "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to "
    "connect this node to swarm and try again.";

Response not_manager(Context&) { throw Error(Errc::unavailable, kNotManager); }

}  // namespace

std::vector<Route> SwarmRouter::routes() {
    std::vector<Route> r;
    // Specific answers first: the mux takes the first route that matches.
    r.push_back({"POST", "/swarm/leave", [](Context&) -> Response {
                     throw Error(Errc::unavailable, "This node is not part of a swarm");
                 }});
    for (const char* path : {"/swarm/init", "/swarm/join"}) {
        r.push_back({"POST", path, [](Context&) -> Response {
                         throw Error(Errc::not_implemented, "berth does not support swarm mode");
                     }});
    }
    for (const char* res : {"/swarm", "/services", "/nodes", "/tasks", "/secrets", "/configs"}) {
        for (const char* method : {"GET", "POST", "DELETE"}) {
            r.push_back({method, res, not_manager});
            r.push_back({method, std::string(res) + "/{rest:.*}", not_manager});
        }
    }
    return r;
}

}  // namespace berth::api
