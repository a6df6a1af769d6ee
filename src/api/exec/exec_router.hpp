#pragma once
// moby's exec routes: POST /containers/{id}/exec, POST /exec/{id}/start (hijacked, or
// detached), POST /exec/{id}/resize, GET /exec/{id}/json.
#include "api/exec/exec_backend.hpp"
#include "api/route.hpp"

namespace berth::api {

class ExecRouter final : public Router {
  public:
    explicit ExecRouter(ExecBackend& backend) : backend_(backend) {}
    std::vector<Route> routes() override;

  private:
    Response create(Context& ctx);
    Response start(Context& ctx);
    Response resize(Context& ctx);

    ExecBackend& backend_;
};

}  // namespace berth::api
