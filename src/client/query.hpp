#pragma once
// URL building: percent-encoded path segments and query strings, and Docker's filters
// parameter (`filters={"status":{"running":true}}`).
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::client {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_escape(std::string_view text);
// As url_escape but keeps '/', for a path that is one API parameter (image names "a/b:c").
std::string path_escape(std::string_view text);

class Query {
  public:
    Query& add(std::string key, std::string value);
    Query& add_if(bool condition, std::string key, std::string value);
    Query& flag(std::string key, bool value);  // "key=1" only when value is true
    bool empty() const { return params_.empty(); }
    // "?a=1&b=x%20y", or "" when empty.
    std::string str() const;

  private:
    std::vector<std::pair<std::string, std::string>> params_;
};

// Docker's filter arguments: name -> set of values.
class Filters {
  public:
    // Parses "key=value" as given to --filter; throws invalid_argument otherwise.
    void add_arg(std::string_view arg);
    void add(std::string key, std::string value) { args_[std::move(key)].insert(std::move(value)); }
    bool empty() const { return args_.empty(); }
    // {"key":{"value":true}}, keys sorted.
    std::string to_json() const;

  private:
    std::map<std::string, std::set<std::string>> args_;
};

}  // namespace berth::client
