#include "api/mux.hpp"

#include <spdlog/spdlog.h>

#include "common/error.hpp"

namespace berth::api {

namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        parts.push_back(path.substr(i, j - i));
        i = j;
    }
    return parts;
}

// Percent-decoding of the path ('+' stays a '+', unlike in the query).
std::string decode_path(std::string_view raw) {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size()) {
            auto hex = [](char c) {
                return c >= '0' && c <= '9'   ? c - '0'
                       : c >= 'a' && c <= 'f' ? c - 'a' + 10
                       : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
            };
            int hi = hex(raw[i + 1]), lo = hex(raw[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += raw[i];
    }
    return out;
}

}  // namespace

Target parse_target(const std::string& target) {
    Target t;
    auto q = target.find('?');
    std::string path = decode_path(std::string_view(target).substr(0, q));
    if (q != std::string::npos) t.raw_query = target.substr(q + 1);
    // moby: "/v{version:[0-9.]+}" as the first segment.
    if (path.size() > 2 && path[0] == '/' && path[1] == 'v') {
        size_t end = path.find('/', 2);
        std::string ver = path.substr(2, end == std::string::npos ? std::string::npos : end - 2);
        if (!ver.empty() && ver.find_first_not_of("0123456789.") == std::string::npos) {
            auto v = ApiVersion::parse(ver);
            if (!v) throw Error(Errc::invalid_argument, "invalid API version \"" + ver + "\"");
            if (*v < kMinApiVersion) {
                throw Error(Errc::invalid_argument,
                            "client version " + ver +
                                " is too old. Minimum supported API version is " +
                                std::string(kMinApiVersionText) +
                                ", please upgrade your client to a newer version");
            }
            if (*v > kMaxApiVersion) {
                throw Error(Errc::invalid_argument,
                            "client version " + ver +
                                " is too new. Maximum supported API version is " +
                                std::string(kMaxApiVersionText));
            }
            t.version = v;
            path = end == std::string::npos ? "/" : path.substr(end);
        }
    }
    t.path = std::move(path);
    return t;
}

void Mux::add(Route route) {
    Compiled c;
    for (auto& part : split_path(route.pattern)) {
        if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
            std::string name = part.substr(1, part.size() - 2);
            bool rest = false;
            if (auto colon = name.find(':'); colon != std::string::npos) {
                rest = name.substr(colon + 1) == ".*";
                name = name.substr(0, colon);
            }
            c.segments.push_back({rest ? Segment::rest : Segment::param, name});
        } else {
            c.segments.push_back({Segment::literal, part});
        }
    }
    c.route = std::move(route);
    routes_.push_back(std::move(c));
}

void Mux::add(Router& router) {
    for (auto& r : router.routes()) add(std::move(r));
}

bool Mux::match(const std::vector<Segment>& pattern, size_t pi,
                const std::vector<std::string>& parts, size_t si,
                std::map<std::string, std::string>& params) {
    if (pi == pattern.size()) return si == parts.size();
    if (si == parts.size()) return false;
    const Segment& seg = pattern[pi];
    switch (seg.kind) {
        case Segment::literal:
            return seg.text == parts[si] && match(pattern, pi + 1, parts, si + 1, params);
        case Segment::param:
            params[seg.text] = parts[si];
            return match(pattern, pi + 1, parts, si + 1, params);
        case Segment::rest: {
            // Greedy: the longest run of segments that still lets the rest match
            // ("/images/a/b/json" -> name "a/b").
            size_t fixed_after = pattern.size() - pi - 1;
            if (parts.size() < si + 1 + fixed_after) return false;
            for (size_t end = parts.size() - fixed_after; end > si; --end) {
                std::string joined = parts[si];
                for (size_t k = si + 1; k < end; ++k) joined += "/" + parts[k];
                params[seg.text] = joined;
                if (match(pattern, pi + 1, parts, end, params)) return true;
            }
            return false;
        }
    }
    return false;
}

Response Mux::dispatch(Context& ctx) const {
    try {
        Target t = parse_target(ctx.target());
        auto parts = split_path(t.path);
        const Compiled* found = nullptr;
        std::map<std::string, std::string> params;
        std::string allowed;
        for (const auto& c : routes_) {
            std::map<std::string, std::string> p;
            if (!match(c.segments, 0, parts, 0, p)) continue;
            if (c.route.method != ctx.method()) {
                if (allowed.find(c.route.method) == std::string::npos)
                    allowed += (allowed.empty() ? "" : ", ") + c.route.method;
                continue;
            }
            found = &c;
            params = std::move(p);
            break;
        }
        if (!found) {
            if (!allowed.empty()) {
                Response r = Response::error(405, "method " + ctx.method() + " not allowed for " +
                                                      t.path + " (allowed: " + allowed + ")");
                r.header("Allow", allowed);
                return r;
            }
            return Response::error(404, "page not found");
        }
        ctx.set_route(t.path, t.version.value_or(kMaxApiVersion), std::move(params));
        ctx.set_query(Query::parse(t.raw_query));
        return found->route.handler(ctx);
    } catch (const Error& e) {
        if (e.code() == Errc::internal)
            spdlog::error("{} {}: {}", ctx.method(), ctx.target(), e.what());
        return Response::error(e.code(), e.what());
    } catch (const nlohmann::json::exception& e) {
        // A handler read a member with the wrong type without JsonReader.
        return Response::error(400, std::string("invalid JSON in request body: ") + e.what());
    } catch (const std::exception& e) {
        spdlog::error("{} {}: {}", ctx.method(), ctx.target(), e.what());
        return Response::error(500, e.what());
    }
}

}  // namespace berth::api
