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

void ImageBackendImpl::push(const std::string& reference, const std::string& auth_header,
                            const api::ProgressFn& progress) {
    registry::PushRequest r;
    r.ref = image::Reference::parse_named(reference);
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
