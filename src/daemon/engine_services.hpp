#pragma once
// Everything berthd keeps behind the API: the state database (<data-root>/berth.db), the
// content and image stores, unpacked layers and container snapshots, the image service and
// the container manager, built in dependency order and torn down in reverse. Containers are
// not stopped on teardown: they live on in their shims.
#include <memory>
#include <string>

#include "api/events/event_bus.hpp"
#include "engine/container_manager.hpp"
#include "image/archive_register.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_service.hpp"
#include "image/image_store.hpp"
#include "state/database.hpp"
#include "storage/layer_store.hpp"
#include "storage/snapshotter.hpp"

namespace berth::daemon {

// Hands the engine's container events to the API's event bus.
class BusEventSink final : public engine::EventSink {
  public:
    explicit BusEventSink(api::EventBus& bus) : bus_(bus) {}
    void emit(const std::string& type, const std::string& action, const std::string& actor_id,
              const std::map<std::string, std::string>& attributes) override {
        bus_.publish(type, action, actor_id, attributes);
    }

  private:
    api::EventBus& bus_;
};

struct EngineServices {
    // runtimes / default_runtime: --add-runtime and --default-runtime (the built-in "berth" is
    // not among the runtimes).
    EngineServices(const std::string& data_root, const std::string& exec_root, api::EventBus& bus,
                   const std::map<std::string, std::string>& runtimes = {},
                   const std::string& default_runtime = "berth", const std::string& default_log_type = "json-file",
                   const std::map<std::string, std::string>& default_log_opts = {},
                   const engine::DnsSettings& default_dns = {}, const Json& default_ulimits = Json::array());

    // Where load and import put images (layers unpacked at once, leases held meanwhile).
    image::ArchiveTargets archive_targets();
    // Builds busybox:latest from /bin/busybox when it is missing; returns true when built.
    bool ensure_busybox(const std::string& binary = "/bin/busybox");
    // At start-up, after restore and before anything else runs (startup_sweep.cpp): removes
    // the space that operations a dead berthd cut short left behind.
    void sweep_abandoned_space();

    std::string data_root, exec_root;
    state::Database db;
    image::ContentStore content;
    image::ImageStore image_store;
    storage::LayerStore layers;
    storage::Snapshotter snapshots;
    image::LeaseManager leases;
    std::unique_ptr<image::ImageService> images;
    BusEventSink events;
    std::unique_ptr<engine::ContainerManager> containers;
};

// berth-shim and berth-init: $BERTH_SHIM / $BERTH_INIT, else next to berthd, else where the
// build put them.
std::string helper_path(const char* env, const char* name, const char* built);

}  // namespace berth::daemon
