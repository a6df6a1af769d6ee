#pragma once
// /info's counts from the container manager and the image service.
#include "api/system/system_backend.hpp"
#include "daemon/engine_services.hpp"

namespace berth::daemon {

class SystemBackendImpl final : public api::SystemBackend {
  public:
    explicit SystemBackendImpl(EngineServices& services) : svc_(services) {}

    api::ContainerCounts container_counts() override {
        api::ContainerCounts c;
        for (const auto& row :
             svc_.containers->list({.all = true, .limit = -1, .size = false, .filters = {}})) {
            std::string state = row.value("State", "");
            ++c.total;
            if (state == "running" || state == "restarting")
                ++c.running;
            else if (state == "paused")
                ++c.paused;
            else
                ++c.stopped;
        }
        return c;
    }
    int64_t image_count() override { return static_cast<int64_t>(svc_.images->list().size()); }

  private:
    EngineServices& svc_;
};

}  // namespace berth::daemon
