#pragma once
// Which events a subscriber wants: moby's events.Filter over the `filters` of GET /events
// (type, event, container, image, label, daemon, network, volume, scope).
#include <nlohmann/json.hpp>

#include "api/filters.hpp"

namespace berth::api {

class EventFilter {
  public:
    EventFilter() = default;
    // Throws invalid_argument for filter keys events do not know.
    explicit EventFilter(Filters filters);

    bool include(const nlohmann::json& event) const;

  private:
    Filters filters_;
};

}  // namespace berth::api
