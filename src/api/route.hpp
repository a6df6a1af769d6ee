#pragma once
// A route is a method, a path pattern and a handler; a Router is one resource's set of routes
// (moby's api/server/router: system, container, image, exec, network, volume...), registered
// with the Mux in one call.
#include <functional>
#include <string>
#include <vector>

#include "api/context.hpp"
#include "api/response.hpp"

namespace berth::api {

// Runs on a worker thread of its own, so it may block (wait, pull, logs -f) without holding
// up other requests. Throwing berth::Error gives the Docker error body with the mapped status.
// After ctx.stream() or ctx.hijack() the returned Response is ignored.
using Handler = std::function<Response(Context&)>;

struct Route {
    std::string method;  // "GET", "POST", "HEAD", "DELETE", "PUT"
    // Segments are literals, "{name}" (one segment) or "{name:.*}" (one or more segments,
    // for image references with slashes: "/images/{name:.*}/json").
    std::string pattern;
    Handler handler;
};

class Router {
  public:
    virtual ~Router() = default;
    virtual std::vector<Route> routes() = 0;
};

}  // namespace berth::api
