#pragma once
// /info's counts from the container manager and the image service.
#include <map>
#include <string>

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

    // What `docker system df` reads. Each image's Containers is the count of containers made
    // from it; SharedSize is 0 (layers shared between images are not split out yet, so the
    // CLI's "reclaimable" counts a shared layer with each image that uses it).
    api::Json disk_usage() override {
        api::Json containers = api::Json::array();
        std::map<std::string, int64_t> users;
        for (auto& row :
             svc_.containers->list({.all = true, .limit = -1, .size = true, .filters = {}})) {
            ++users[row.value("ImageID", "")];
            containers.push_back(std::move(row));
        }
        api::Json images = api::Json::array();
        for (const auto& summary : svc_.images->list()) {
            api::Json j = summary.to_json();
            j["Containers"] = users[j.value("Id", "")];
            j["SharedSize"] = 0;
            images.push_back(std::move(j));
        }
        // Unpacked layers, and the content store (image blobs, ingests in progress) next to
        // them: both are disk the images hold, and only df makes it visible.
        int64_t layers = static_cast<int64_t>(svc_.content.disk_usage());
        for (const auto& l : svc_.image_store.list_layers()) layers += l.size;
        return {{"LayersSize", layers},
                {"Images", images},
                {"Containers", containers},
                {"Volumes", api::Json::array()},
                {"BuildCache", api::Json::array()}};
    }

  private:
    EngineServices& svc_;
};

}  // namespace berth::daemon
