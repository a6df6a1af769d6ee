#include "api/events/event_bus.hpp"

#include <algorithm>

namespace berth::api {

std::optional<nlohmann::json> EventSubscription::next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    auto ev = std::move(queue_.front());
    queue_.pop_front();
    return ev;
}

bool EventSubscription::closed() const {
    std::lock_guard lock(mu_);
    return closed_ && queue_.empty();
}

uint64_t EventSubscription::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
}

int64_t EventBus::now_nano() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void EventBus::publish(std::string type, std::string action, std::string actor_id,
                       const std::map<std::string, std::string>& attributes) {
    nlohmann::json attrs = nlohmann::json::object();
    for (const auto& [k, v] : attributes) attrs[k] = v;
    publish(
        nlohmann::json{{"Type", std::move(type)},
                       {"Action", std::move(action)},
                       {"Actor", {{"ID", std::move(actor_id)}, {"Attributes", std::move(attrs)}}}});
}

void EventBus::publish(nlohmann::json ev) {
    if (!ev.contains("timeNano")) ev["timeNano"] = now_nano();
    int64_t nano = ev["timeNano"].get<int64_t>();
    ev["time"] = nano / 1000000000;
    ev["scope"] = "local";
    if (!ev.contains("Actor")) ev["Actor"] = {{"ID", ""}, {"Attributes", nlohmann::json::object()}};
    // Clients older than API 1.22 read status/id/from; dockerd still sends them for containers.
    if (ev.value("Type", "") == "container") {
        ev["status"] = ev.value("Action", "");
        ev["id"] = ev["Actor"].value("ID", "");
        const auto& attrs = ev["Actor"]["Attributes"];
        if (attrs.is_object() && attrs.contains("image")) ev["from"] = attrs["image"];
    }
    std::lock_guard lock(mu_);
    if (closed_) return;
    ring_.push_back(ev);
    if (ring_.size() > ring_cap_) ring_.pop_front();
    for (const auto& sub : subs_) {
        if (!sub->filter_.include(ev)) continue;
        std::lock_guard sl(sub->mu_);
        if (sub->queue_.size() >= queue_cap_) {
            sub->queue_.pop_front();
            ++sub->dropped_;
        }
        sub->queue_.push_back(ev);
        sub->cv_.notify_one();
    }
}

EventBus::Subscribed EventBus::subscribe(EventFilter filter, std::optional<int64_t> since_nano,
                                         std::optional<int64_t> until_nano) {
    Subscribed out;
    std::lock_guard lock(mu_);
    if (since_nano) {
        for (const auto& ev : ring_) {
            int64_t t = ev["timeNano"].get<int64_t>();
            if (t < *since_nano) continue;
            if (until_nano && t > *until_nano) break;
            if (filter.include(ev)) out.backlog.push_back(ev);
        }
    }
    out.live.reset(new EventSubscription(std::move(filter)));
    if (closed_) {
        out.live->closed_ = true;
    } else {
        subs_.push_back(out.live);
    }
    return out;
}

void EventBus::unsubscribe(const std::shared_ptr<EventSubscription>& sub) {
    std::lock_guard lock(mu_);
    subs_.remove(sub);
}

void EventBus::close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (const auto& sub : subs_) {
        std::lock_guard sl(sub->mu_);
        sub->closed_ = true;
        sub->cv_.notify_all();
    }
    subs_.clear();
}

size_t EventBus::subscriber_count() const {
    std::lock_guard lock(mu_);
    return subs_.size();
}

}  // namespace berth::api
