// POST /commit: the engine holds (and pauses) the container, the image library makes the
// image; this file joins the two and does what Docker does to the config in between
// (the body's or the container's Config, --change applied, then merged with the container's).
#include "common/error.hpp"
#include "daemon/image_backend_impl.hpp"
#include "image/commit_config.hpp"
#include "image/commit_image.hpp"
#include "image/reference.hpp"

namespace berth::daemon {

std::string ImageBackendImpl::commit(const api::CommitRequest& request) {
    // Bad input is refused before the container is touched (or paused).
    std::string familiar;
    if (!request.reference.empty()) {
        familiar = image::Reference::parse(request.reference).familiar_string();
    }
    image::apply_changes_to_config(api::Json::object(), request.changes);

    auto make_image = [&](const engine::CommitSource& src) {
        const api::Json& user = request.config.is_object() ? request.config : src.config;
        api::Json config = image::apply_changes_to_config(user, request.changes);
        image::CommitImageOptions o;
        o.upper = src.upper;
        o.lowers = src.lowers;
        o.mount_stubs = src.mount_stubs;
        if (!src.image_id.empty()) o.parent = image::Digest::parse(src.image_id);
        o.child.container_id = src.id;
        o.child.config = image::merge_commit_config(std::move(config), src.config);
        o.child.container_config = src.config;
        o.child.author = request.author;
        o.child.comment = request.comment;
        o.tag = request.reference;
        image::Digest id = image::commit_image(svc_.archive_targets(), std::move(o));
        return engine::CommitResult{id.str(), familiar};
    };
    return svc_.containers->commit(request.container, request.pause, request.comment, make_image)
        .image_id;
}

}  // namespace berth::daemon
