#pragma once
// The containers and exec routers' backend over engine::ContainerManager: translation of
// options, and docker cp (archive.cpp).
#include <atomic>

#include "api/containers/container_backend.hpp"
#include "api/exec/exec_backend.hpp"
#include "daemon/engine_services.hpp"

namespace berth::daemon {

class ContainerBackendImpl final : public api::ContainerBackend, public api::ExecBackend {
  public:
    explicit ContainerBackendImpl(EngineServices& services)
        : svc_(services), m_(*services.containers) {}

    // Blocked waits give up (unavailable) so the server can stop; logs -f ends.
    void shutdown() {
        stopping_ = true;
        m_.shutdown();
    }

    api::Json create(const api::Json& body, const std::string& name,
                     bool legacy_read_only_binds) override;
    bool start(const std::string& id) override { return m_.start(id); }
    bool stop(const std::string& id, int t, const std::string& sig) override {
        return m_.stop(id, t, sig);
    }
    void kill(const std::string& id, const std::string& sig) override { m_.kill(id, sig); }
    void restart(const std::string& id, int t, const std::string& sig) override {
        m_.restart(id, t, sig);
    }
    void pause(const std::string& id) override { m_.pause(id); }
    void unpause(const std::string& id) override { m_.unpause(id); }
    api::WaitOutcome wait(const std::string& id, const std::string& condition,
                          const std::function<void()>& registered,
                          const std::function<bool()>& abandoned) override;
    void remove(const std::string& id, bool force, bool volumes) override {
        m_.remove(id, force, volumes);
    }
    void rename(const std::string& id, const std::string& name) override { m_.rename(id, name); }
    std::vector<std::string> update(const std::string& id, const api::Json& body) override {
        return m_.update(id, body);
    }
    std::vector<api::Json> list(const api::ContainerListOptions& o) override;
    api::Json inspect(const std::string& id, bool size) override { return m_.inspect(id, size); }
    std::string resolve(const std::string& id) override { return m_.resolve(id); }
    void logs(const std::string& id, const api::LogsRequest& r,
              const std::function<bool(int, std::string_view)>& sink) override;
    api::StdioStream attach(const std::string& id, const api::AttachRequest& r) override;
    void resize(const std::string& id, unsigned h, unsigned w) override { m_.resize(id, h, w); }
    api::Json top(const std::string& id, const std::string& args) override {
        return m_.top(id, args);
    }
    api::Json stats(const std::string& id) override { return m_.stats(id); }
    api::Json changes(const std::string& id) override { return api::Json(m_.changes(id)); }
    void export_rootfs(const std::string& id, int fd) override { m_.export_rootfs(id, fd); }
    api::Json prune(const api::FilterMap& filters) override { return m_.prune(filters); }
    // archive.cpp
    api::PathStat stat_path(const std::string& id, const std::string& path) override;
    void get_archive(const std::string& id, const std::string& path, int out_fd) override;
    void put_archive(const std::string& id, const std::string& path, int in_fd,
                     bool no_overwrite_dir_non_dir) override;

    std::string exec_create(const std::string& container, const api::Json& config) override {
        return m_.exec_create(container, config);
    }
    api::StdioStream exec_start(const std::string& exec_id,
                                const api::ExecStartRequest& r) override;
    api::Json exec_inspect(const std::string& exec_id) override { return m_.exec_inspect(exec_id); }
    void exec_resize(const std::string& exec_id, unsigned h, unsigned w) override {
        m_.exec_resize(exec_id, h, w);
    }

  private:
    EngineServices& svc_;
    engine::ContainerManager& m_;
    std::atomic<bool> stopping_{false};
};

}  // namespace berth::daemon
