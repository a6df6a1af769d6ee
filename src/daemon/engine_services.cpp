#include "daemon/engine_services.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "image/archive_busybox.hpp"

namespace berth::daemon {

std::string helper_path(const char* env, const char* name, const char* built) {
    if (const char* v = std::getenv(env); v && *v) return v;
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        auto sibling = self.parent_path() / name;
        if (::access(sibling.c_str(), X_OK) == 0) return sibling;
    }
    return built;
}

EngineServices::EngineServices(const std::string& data_root_, const std::string& exec_root_,
                               api::EventBus& bus,
                               const std::map<std::string, std::string>& runtimes,
                               const std::string& default_runtime, const std::string& default_log_type,
                               const std::map<std::string, std::string>& default_log_opts,
                               const engine::DnsSettings& default_dns, const Json& default_ulimits)
    : data_root(data_root_),
      exec_root(exec_root_),
      db(data_root_ + "/berth.db"),
      content(data_root_),
      image_store(db),
      layers(data_root_),
      snapshots(layers, data_root_),
      events(bus) {
    image::ServiceOptions so;
    so.leases = &leases;
    so.gc.remove_layer_dir = layers.remover();
    // Which containers use an image: asked of the manager, which exists by the time anyone
    // removes an image.
    so.in_use = [this](const image::Digest& id) {
        std::vector<image::ContainerUse> out;
        if (!containers) return out;
        for (const auto& c :
             containers->list({.all = true, .limit = -1, .size = false, .filters = {}})) {
            if (c.value("ImageID", "") == id.str())
                out.push_back({c.value("Id", ""), c.value("State", "") == "running" ||
                                                      c.value("State", "") == "paused"});
        }
        return out;
    };
    images = std::make_unique<image::ImageService>(content, image_store, std::move(so));

    engine::ManagerOptions mo;
    mo.data_root = data_root;
    mo.exec_root = exec_root;
    mo.shim_path = helper_path("BERTH_SHIM", "berth-shim", BERTH_SHIM_PATH);
    mo.init_path = helper_path("BERTH_INIT", "berth-init", BERTH_INIT_PATH);
    mo.runtime_cli_path = helper_path("BERTH_RUNTIME", "berth-runtime", BERTH_RUNTIME_PATH);
    mo.runtimes = runtimes;
    mo.default_runtime = default_runtime;
    mo.default_log_type = default_log_type;
    mo.default_log_opts = default_log_opts;
    mo.default_dns = default_dns;
    mo.default_ulimits = default_ulimits;
    mo.events = &events;
    mo.db = &db;
    mo.images = images.get();
    mo.image_store = &image_store;
    mo.snapshotter = &snapshots;
    containers = std::make_unique<engine::ContainerManager>(mo);
}

image::ArchiveTargets EngineServices::archive_targets() {
    return image::ArchiveTargets{content, image_store, &leases,
                                 [this](const image::Digest& chain, const image::Digest& diff,
                                        const std::optional<image::Digest>& parent, int fd) {
                                     return layers.unpack(chain, diff, parent, fd).size;
                                 }};
}

bool EngineServices::ensure_busybox(const std::string& binary) {
    try {
        images->resolve("busybox:latest");
        return false;
    } catch (const Error& e) {
        if (e.code() != Errc::not_found) throw;
    }
    if (::access(binary.c_str(), X_OK) != 0) return false;
    image::BusyboxOptions o;
    o.binary = binary;
    auto id = image::build_busybox_image(archive_targets(), o);
    spdlog::info("built busybox:latest ({}) from {}", id.str(), binary);
    return true;
}

}  // namespace berth::daemon
