#include "api/containers/containers_router.hpp"

namespace berth::api {

std::vector<Route> ContainersRouter::routes() {
    auto h = [this](Response (ContainersRouter::*fn)(Context&)) {
        return [this, fn](Context& c) { return (this->*fn)(c); };
    };
    return {
        {"POST", "/containers/create", h(&ContainersRouter::create)},
        {"GET", "/containers/json", h(&ContainersRouter::list)},
        {"POST", "/containers/prune", h(&ContainersRouter::prune)},
        {"GET", "/containers/{id}/json", h(&ContainersRouter::inspect)},
        {"POST", "/containers/{id}/start", h(&ContainersRouter::start)},
        {"POST", "/containers/{id}/stop", h(&ContainersRouter::stop)},
        {"POST", "/containers/{id}/restart", h(&ContainersRouter::restart)},
        {"POST", "/containers/{id}/kill", h(&ContainersRouter::kill)},
        {"POST", "/containers/{id}/pause",
         [this](Context& c) {
             backend_.pause(c.param("id"));
             return Response::no_content();
         }},
        {"POST", "/containers/{id}/unpause",
         [this](Context& c) {
             backend_.unpause(c.param("id"));
             return Response::no_content();
         }},
        {"POST", "/containers/{id}/wait", h(&ContainersRouter::wait)},
        {"DELETE", "/containers/{id}", h(&ContainersRouter::remove)},
        {"POST", "/containers/{id}/rename", h(&ContainersRouter::rename)},
        {"POST", "/containers/{id}/update", h(&ContainersRouter::update)},
        {"GET", "/containers/{id}/logs", h(&ContainersRouter::logs)},
        {"POST", "/containers/{id}/attach", h(&ContainersRouter::attach)},
        {"GET", "/containers/{id}/attach/ws", h(&ContainersRouter::attach_ws)},
        {"POST", "/containers/{id}/resize", h(&ContainersRouter::resize)},
        {"GET", "/containers/{id}/top", h(&ContainersRouter::top)},
        {"GET", "/containers/{id}/stats", h(&ContainersRouter::stats)},
        {"GET", "/containers/{id}/changes", h(&ContainersRouter::changes)},
        {"GET", "/containers/{id}/export", h(&ContainersRouter::export_rootfs)},
        {"HEAD", "/containers/{id}/archive", h(&ContainersRouter::archive_head)},
        {"GET", "/containers/{id}/archive", h(&ContainersRouter::archive_get)},
        {"PUT", "/containers/{id}/archive", h(&ContainersRouter::archive_put)},
    };
}

}  // namespace berth::api
