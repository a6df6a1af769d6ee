#pragma once
// The images router's backend over image::ImageService and the archive functions.
#include "api/images/image_backend.hpp"
#include "daemon/engine_services.hpp"

namespace berth::daemon {

class ImageBackendImpl final : public api::ImageBackend {
  public:
    explicit ImageBackendImpl(EngineServices& services) : svc_(services) {}

    api::Json list(const api::FilterMap& filters, bool all) override;
    api::Json inspect(const std::string& name) override { return svc_.images->inspect(name); }
    api::Json history(const std::string& name) override;
    void tag(const std::string& source, const std::string& target) override {
        svc_.images->tag(source, target);
    }
    api::Json remove(const std::string& name, bool force, bool noprune) override;
    api::Json prune(const api::FilterMap& filters) override;
    std::string resolve(const std::string& name) override {
        return svc_.images->resolve(name).str();
    }
    std::vector<std::string> load(int in_fd) override;
    void save(const std::vector<std::string>& names, int out_fd) override;
    std::string import(int in_fd, const api::ImportRequest& request) override;
    std::string commit(const api::CommitRequest& request) override;

  private:
    EngineServices& svc_;
};

}  // namespace berth::daemon
