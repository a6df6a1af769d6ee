#pragma once
// The images router's backend over image::ImageService and the archive functions.
#include "api/images/image_backend.hpp"
#include "daemon/engine_services.hpp"
#include "registry/registry_records.hpp"
#include "registry/registry_hosts.hpp"

namespace berth::daemon {

class ImageBackendImpl final : public api::ImageBackend {
  public:
    ImageBackendImpl(EngineServices& services, registry::RegistryHosts& registries)
        : svc_(services), registries_(registries), registry_records_(services.db) {}

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
    // image_registry_impl.cpp
    void pull(const api::PullRequest& request, const api::ProgressFn& progress) override;
    void push(const std::string& reference, const std::string& auth_header,
              const std::string& platform, const api::ProgressFn& progress) override;
    api::Json login(const api::Json& auth_config) override;
    api::Json distribution_inspect(const std::string& reference, const std::string& auth_header) override;

  private:
    EngineServices& svc_;
    registry::RegistryHosts& registries_;
    registry::RegistryRecords registry_records_;
};

}  // namespace berth::daemon
