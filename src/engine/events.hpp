#pragma once
// Where the engine's container events go. The daemon connects this to its event bus; the
// shape follows Docker's events: Type "container", Action ("create", "start", "die", "kill",
// "exec_start: sh -c ..."...), Actor {ID, Attributes}. Attributes carry name and image (and
// the image's labels' keys as Docker adds them), plus exitCode for die, signal for kill.
#include <map>
#include <string>

namespace berth::engine {

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void emit(const std::string& type, const std::string& action, const std::string& actor_id,
                      const std::map<std::string, std::string>& attributes) = 0;
};

}  // namespace berth::engine
