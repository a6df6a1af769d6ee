#pragma once
// moby's api/server/router/image: list, inspect, history, tag, delete, prune, load, save,
// import (POST /images/create?fromSrc=-), and POST /commit; and the registry routes
// (registry_routes.cpp): pull (POST /images/create?fromImage=), push, POST /auth and
// GET /distribution/{name}/json.
#include "api/images/image_backend.hpp"
#include "api/route.hpp"

namespace berth::api {

class ImagesRouter final : public Router {
  public:
    explicit ImagesRouter(ImageBackend& backend) : backend_(backend) {}
    std::vector<Route> routes() override;

  private:
    Response list(Context& ctx);
    Response tag(Context& ctx);
    Response remove(Context& ctx);
    Response prune(Context& ctx);
    Response load(Context& ctx);
    Response save(Context& ctx, std::vector<std::string> names);
    Response create(Context& ctx);
    Response commit(Context& ctx);
    Response pull(Context& ctx);
    Response push(Context& ctx);
    Response auth(Context& ctx);
    Response distribution(Context& ctx);

    ImageBackend& backend_;
};

// "repo" + "tag" query values as one reference, the way dockerd joins them; "repo" may itself
// carry a tag or digest.
std::string join_reference(const std::string& repo, const std::string& tag);

}  // namespace berth::api
