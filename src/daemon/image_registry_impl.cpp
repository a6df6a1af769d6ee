// The images backend's registry half: pull, push, login and distribution inspect through
// registry/, with pulled layers unpacked into the layer store as load's are.
#include "common/error.hpp"
#include "daemon/image_backend_impl.hpp"
#include "registry/login.hpp"
#include "registry/pull.hpp"
#include "registry/push.hpp"

namespace berth::daemon {

namespace {

class FnSink final : public registry::ProgressSink {
  public:
    explicit FnSink(const api::ProgressFn& fn) : fn_(fn) {}
    void emit(const Json& message) override {
        std::lock_guard lock(mutex_);
        fn_(message);
    }

  private:
    const api::ProgressFn& fn_;
    std::mutex mutex_;
};

}  // namespace

void ImageBackendImpl::pull(const api::PullRequest& request, const api::ProgressFn& progress) {
    registry::PullRequest r;
    r.ref = request.all_tags ? image::Reference::parse_named(request.reference)
                             : image::Reference::parse(request.reference);
    r.all_tags = request.all_tags;
    if (!request.platform.empty()) r.platform = image::Platform::parse(request.platform);
    r.credentials = registry::credentials_from_header(request.auth_header);
    FnSink sink(progress);
    registry::pull(registries_, svc_.archive_targets(), r, sink, &registry_records_);
}

// --platform on push names the one platform of a multi-platform image to push; berth's images
// have one platform, so it must be that one.
static void check_push_platform(image::ImageService& images, const image::Reference& ref,
                         const std::string& platform_json) {
    if (platform_json.empty() || !ref.has_tag()) return;
    Json j = Json::parse(platform_json, nullptr, false);
    image::Platform want;
    if (j.is_object()) {
        want.os = j.value("os", "linux");
        want.architecture = j.value("architecture", "");
        want.variant = j.value("variant", "");
    } else {
        want = image::Platform::parse(platform_json);
    }
    image::Platform have = images.config(images.resolve(ref.str())).platform();
    if (!image::platform_matches(want.normalized(), have.normalized()))
        throw Error(Errc::invalid_argument,
                    "image with reference " + ref.familiar_string() +
                        " was found but does not match the specified platform: wanted " +
                        want.normalized().str() + ", actual: " + have.normalized().str());
}

void ImageBackendImpl::push(const std::string& reference, const std::string& auth_header,
                            const std::string& platform, const api::ProgressFn& progress) {
    registry::PushRequest r;
    r.ref = image::Reference::parse_named(reference);
    check_push_platform(*svc_.images, r.ref, platform);
    r.credentials = registry::credentials_from_header(auth_header);
    FnSink sink(progress);
    registry::push(registries_, svc_.content, svc_.image_store, &registry_records_, &svc_.leases, r, sink);
}

api::Json ImageBackendImpl::login(const api::Json& auth_config) {
    return registry::login(registries_, registry::credentials_from_json(auth_config));
}

api::Json ImageBackendImpl::distribution_inspect(const std::string& reference,
                                                 const std::string& auth_header) {
    return registry::distribution_inspect(registries_, image::Reference::parse(reference),
                                          registry::credentials_from_header(auth_header));
}

}  // namespace berth::daemon
