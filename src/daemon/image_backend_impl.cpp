#include "daemon/image_backend_impl.hpp"

#include "common/error.hpp"
#include "image/archive_import.hpp"
#include "image/archive_load.hpp"
#include "image/archive_save.hpp"

namespace berth::daemon {

api::Json ImageBackendImpl::list(const api::FilterMap& filters, bool all) {
    api::Json out = api::Json::array();
    for (const auto& s : svc_.images->list(filters, all)) out.push_back(s.to_json());
    return out;
}

api::Json ImageBackendImpl::history(const std::string& name) {
    api::Json out = api::Json::array();
    for (const auto& h : svc_.images->history(name)) out.push_back(h.to_json());
    return out;
}

api::Json ImageBackendImpl::remove(const std::string& name, bool force, bool noprune) {
    api::Json out = api::Json::array();
    for (const auto& d : svc_.images->remove(name, force, !noprune)) out.push_back(d.to_json());
    return out;
}

api::Json ImageBackendImpl::prune(const api::FilterMap& filters) {
    // dangling=false asks for every unused image (`docker image prune -a`).
    bool all = false;
    image::Filters rest;
    for (const auto& [k, v] : filters) {
        if (k == "dangling") {
            for (const auto& x : v) all = all || x == "false" || x == "0";
        } else {
            rest[k] = v;
        }
    }
    return svc_.images->prune(all, rest).to_json();
}

std::vector<std::string> ImageBackendImpl::load(int in_fd) {
    auto r = image::load_archive(in_fd, svc_.archive_targets());
    std::vector<std::string> lines;
    for (const auto& t : r.tags) lines.push_back("Loaded image: " + t);
    if (r.tags.empty()) {
        for (const auto& id : r.images) lines.push_back("Loaded image ID: " + id.str());
    }
    return lines;
}

void ImageBackendImpl::save(const std::vector<std::string>& names, int out_fd) {
    image::save_archive(out_fd, svc_.content, svc_.image_store, names);
}

std::string ImageBackendImpl::import(int in_fd, const api::ImportRequest& request) {
    image::ImportOptions o;
    o.changes = request.changes;
    o.message = request.message;
    o.tag = request.reference;
    return image::import_rootfs(in_fd, svc_.archive_targets(), o).str();
}

// commit: container_commit.cpp.

}  // namespace berth::daemon
