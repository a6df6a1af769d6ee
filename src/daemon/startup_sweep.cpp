// berthd's start-up clean-up of lost space: a commit, load or import killed with berthd leaves
// its ingest (tens of MB each) and perhaps blobs and layers no image references; an unpack or
// layer removal leaves its temp dir. None of them is resumed or reachable, and at start-up no
// operation runs that could own one, so they all go before the API serves anything.
// (Container dirs without a record and interrupted docker cp are the container manager's,
// handled in its restore.)
#include <spdlog/spdlog.h>

#include "daemon/engine_services.hpp"

namespace berth::daemon {

void EngineServices::sweep_abandoned_space() {
    try {
        std::string images_report = images->sweep_at_startup();
        if (!images_report.empty()) spdlog::info("start-up clean-up: {}", images_report);
    } catch (const std::exception& e) {
        spdlog::warn("start-up clean-up of content: {}", e.what());
    }
    try {
        auto known = [this](const image::Digest& chain) {
            return image_store.get_layer(chain).has_value();
        };
        for (const auto& line : layers.sweep_abandoned(known))
            spdlog::info("start-up clean-up: {}", line);
    } catch (const std::exception& e) {
        spdlog::warn("start-up clean-up of layers: {}", e.what());
    }
}

}  // namespace berth::daemon
