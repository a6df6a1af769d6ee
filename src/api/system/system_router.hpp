#pragma once
// moby's api/server/router/system: /_ping, /version, /info, /events.
#include "api/events/event_bus.hpp"
#include "api/route.hpp"
#include "api/system/host_info.hpp"
#include "api/system/system_backend.hpp"

namespace berth::api {

class SystemRouter final : public Router {
  public:
    SystemRouter(SystemConfig config, HostInfo host, SystemBackend& backend, EventBus& events)
        : config_(std::move(config)), host_(std::move(host)), backend_(backend), events_(events) {}

    std::vector<Route> routes() override;

    // The bodies, public for tests.
    nlohmann::json version_json() const;
    nlohmann::json info_json() const;

  private:
    Response ping(Context& ctx);
    Response events(Context& ctx);

    SystemConfig config_;
    HostInfo host_;
    SystemBackend& backend_;
    EventBus& events_;
};

// "1700000000" or "1700000000.5" (seconds with a fraction, as the docker CLI sends --since
// and --until) -> nanoseconds since the epoch. invalid_argument naming key otherwise.
int64_t parse_unix_timestamp(const std::string& value, const char* key);

}  // namespace berth::api
