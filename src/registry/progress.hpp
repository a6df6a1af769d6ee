#pragma once
// Docker's JSON progress messages (pkg/jsonmessage), as pull and push stream them:
//   {"status":"Pulling fs layer","progressDetail":{},"id":"a3ed95caeb02"}
//   {"status":"Downloading","progressDetail":{"current":1,"total":2},"progress":"[==>  ] ...","id":"..."}
#include <cstdint>
#include <mutex>
#include <string>

#include "common/json_reader.hpp"

namespace berth::registry {

// Where messages go; called from several worker threads, so implementations serialise.
class ProgressSink {
  public:
    virtual ~ProgressSink() = default;
    virtual void emit(const Json& message) = 0;
};

// Docker's units.HumanSize: decimal units, 4 significant digits ("12.35MB", "977B").
std::string human_size(double bytes);
// JSONProgress.String() at Docker's default width: "[=====>      ]  1.234MB/5.678MB".
std::string progress_bar(uint64_t current, uint64_t total);
// The 12 hex characters Docker names a layer by.
std::string short_id(const std::string& digest);

Json status(const std::string& text, const std::string& id = "");
Json status_with_detail(const std::string& text, const std::string& id);  // "progressDetail":{}
Json progress_message(const std::string& text, const std::string& id, uint64_t current, uint64_t total);

// Emits a transfer's progress no more often than every 100 ms or 1/100 of the total, so
// a fast loopback transfer does not turn into a million messages.
class ProgressThrottle {
  public:
    ProgressThrottle(ProgressSink& sink, std::string action, std::string id, uint64_t total)
        : sink_(sink), action_(std::move(action)), id_(std::move(id)), total_(total) {}
    void update(uint64_t current);

  private:
    ProgressSink& sink_;
    std::string action_, id_;
    uint64_t total_;
    int64_t last_ms_ = 0;
};

}  // namespace berth::registry
