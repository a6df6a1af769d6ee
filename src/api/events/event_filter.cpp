#include "api/events/event_filter.hpp"

namespace berth::api {

namespace {
std::string str_at(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// "busybox:latest" -> "busybox"; a digest or a registry port is not a tag.
std::string strip_tag(const std::string& ref) {
    auto at = ref.find('@');
    if (at != std::string::npos) return ref.substr(0, at);
    auto colon = ref.rfind(':');
    if (colon == std::string::npos || ref.find('/', colon) != std::string::npos) return ref;
    return ref.substr(0, colon);
}
}  // namespace

EventFilter::EventFilter(Filters filters) : filters_(std::move(filters)) {
    filters_.validate({"type", "event", "container", "image", "label", "daemon", "network",
                       "volume", "scope", "plugin", "node", "service", "secret", "config"});
}

bool EventFilter::include(const nlohmann::json& ev) const {
    std::string type = str_at(ev, "Type");
    std::string action = str_at(ev, "Action");
    const nlohmann::json& actor = ev.contains("Actor") ? ev["Actor"] : nlohmann::json::object();
    std::string id = str_at(actor, "ID");
    std::map<std::string, std::string> attrs;
    if (auto a = actor.find("Attributes"); a != actor.end() && a->is_object()) {
        for (const auto& [k, v] : a->items())
            if (v.is_string()) attrs[k] = v.get<std::string>();
    }
    auto attr = [&](const char* k) {
        auto it = attrs.find(k);
        return it == attrs.end() ? std::string{} : it->second;
    };

    // "exec_start: sh -c ..." matches the filter "exec_start", like moby's #25798 special case.
    bool event_ok = !filters_.contains("event");
    for (const auto& want : filters_.values("event")) {
        if (action == want ||
            (action.starts_with(want) && action.size() > want.size() && action[want.size()] == ':'))
            event_ok = true;
    }
    if (!event_ok) return false;
    if (!filters_.match_exact("type", type)) return false;
    if (!filters_.match_exact("scope", str_at(ev, "scope"))) return false;
    // A name filter for one kind of object (container=web) keeps only events whose actor id or
    // name it matches, whatever their type — moby's fuzzyMatchName.
    for (const char* kind : {"container", "daemon", "network", "volume", "plugin", "node",
                             "service", "secret", "config"}) {
        if (!filters_.match_fuzzy(kind, id) && !filters_.match_fuzzy(kind, attr("name")))
            return false;
    }
    if (filters_.contains("image")) {
        std::string name = attr(type == "image" ? "name" : "image");
        bool ok = false;
        for (const std::string& candidate : {id, name, strip_tag(id), strip_tag(name)}) {
            if (!candidate.empty() && filters_.match_exact("image", candidate)) ok = true;
        }
        if (!ok) return false;
    }
    return filters_.match_labels("label", attrs);
}

}  // namespace berth::api
