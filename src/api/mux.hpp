#pragma once
// Dispatches a request to the route matching its method and path: strips and checks the
// /vX.Y prefix (1.24..1.47), parses the query, fills the path params, and turns exceptions
// into Docker error bodies. Unknown path -> 404 "page not found"; known path with another
// method -> 405.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/route.hpp"

namespace berth::api {

class Mux {
  public:
    void add(Route route);
    void add(Router& router);

    // Never throws: every failure becomes a Response.
    Response dispatch(Context& ctx) const;

  private:
    struct Segment {
        enum Kind { literal, param, rest } kind;
        std::string text;  // literal text or param name
    };
    struct Compiled {
        Route route;
        std::vector<Segment> segments;
    };
    static bool match(const std::vector<Segment>& pattern, size_t pi,
                      const std::vector<std::string>& parts, size_t si,
                      std::map<std::string, std::string>& params);

    std::vector<Compiled> routes_;
};

// Splits "/v1.47/containers/x/json?all=1" into the version (nullopt when unversioned), the
// decoded path without the prefix and the raw query. Throws invalid_argument for versions out
// of range with dockerd's messages.
struct Target {
    std::optional<ApiVersion> version;
    std::string path;
    std::string raw_query;
};
Target parse_target(const std::string& target);

}  // namespace berth::api
