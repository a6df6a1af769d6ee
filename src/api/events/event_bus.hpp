#pragma once
// The daemon's event stream (GET /events): publishers hand over events, subscribers get the
// ones their filter includes, and a bounded ring of recent events serves `since`.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/events/event_filter.hpp"

namespace berth::api {

class EventBus;

class EventSubscription {
  public:
    // The next event, waiting up to timeout; nullopt on timeout or once the bus closed.
    std::optional<nlohmann::json> next(std::chrono::milliseconds timeout);
    bool closed() const;
    // Events dropped because this subscriber fell too far behind.
    uint64_t dropped() const;

  private:
    friend class EventBus;
    explicit EventSubscription(EventFilter filter) : filter_(std::move(filter)) {}

    EventFilter filter_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<nlohmann::json> queue_;
    uint64_t dropped_ = 0;
    bool closed_ = false;
};

class EventBus {
  public:
    // ring: how many recent events `since` can reach back to (dockerd keeps 256);
    // queue: how many undelivered events one slow subscriber may hold before losing the oldest.
    explicit EventBus(size_t ring = 256, size_t queue = 1024)
        : ring_cap_(ring), queue_cap_(queue) {}

    // Completes the event in Docker's shape and delivers it: sets scope "local", time and
    // timeNano (now, unless given), and for containers the legacy status/id/from fields.
    void publish(nlohmann::json event);
    void publish(std::string type, std::string action, std::string actor_id,
                 const std::map<std::string, std::string>& attributes = {});

    struct Subscribed {
        std::vector<nlohmann::json> backlog;  // recent events in [since, until], oldest first
        std::shared_ptr<EventSubscription> live;
    };
    // Atomically: the matching recent events since since_nano (none if nullopt) up to
    // until_nano, and a live subscription for what comes after them. Unsubscribe when done.
    Subscribed subscribe(EventFilter filter, std::optional<int64_t> since_nano,
                         std::optional<int64_t> until_nano = std::nullopt);
    void unsubscribe(const std::shared_ptr<EventSubscription>& sub);

    // Wakes and ends every subscription (daemon shutdown); later publishes are dropped.
    void close();
    size_t subscriber_count() const;

    static int64_t now_nano();

  private:
    size_t ring_cap_;
    size_t queue_cap_;
    mutable std::mutex mu_;
    std::deque<nlohmann::json> ring_;
    std::list<std::shared_ptr<EventSubscription>> subs_;
    bool closed_ = false;
};

}  // namespace berth::api
