#pragma once
// moby's api/server/router/container: /containers/... (create, lifecycle, list, inspect,
// logs, attach, stats, archive, prune). Decoding and encoding here; the work in the backend.
#include <atomic>

#include "api/containers/container_backend.hpp"
#include "api/route.hpp"

namespace berth::api {

class ContainersRouter final : public Router {
  public:
    explicit ContainersRouter(ContainerBackend& backend) : backend_(backend) {}

    std::vector<Route> routes() override;

    // Ends the long waits (wait, logs -f, stats stream) so the server can stop.
    void shutdown() { stopping_ = true; }

  private:
    // container_lifecycle_routes.cpp
    Response create(Context& ctx);
    Response start(Context& ctx);
    Response stop(Context& ctx);
    Response restart(Context& ctx);
    Response kill(Context& ctx);
    Response wait(Context& ctx);
    Response remove(Context& ctx);
    Response rename(Context& ctx);
    Response update(Context& ctx);
    Response prune(Context& ctx);
    // container_query_routes.cpp
    Response list(Context& ctx);
    Response inspect(Context& ctx);
    Response top(Context& ctx);
    Response changes(Context& ctx);
    // container_stream_routes.cpp
    Response logs(Context& ctx);
    Response attach(Context& ctx);
    Response attach_ws(Context& ctx);  // websocket attach (websocket.hpp)
    Response resize(Context& ctx);
    Response stats(Context& ctx);
    Response export_rootfs(Context& ctx);
    // container_archive_routes.cpp
    Response archive_head(Context& ctx);
    Response archive_get(Context& ctx);
    Response archive_put(Context& ctx);

    ContainerBackend& backend_;
    std::atomic<bool> stopping_{false};
};

// Container filters from the `filters` query, validated like dockerd's.
FilterMap container_filters(const std::string& json_text);

}  // namespace berth::api
