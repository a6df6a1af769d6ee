#include "registry/pull.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/media_types.hpp"
#include "registry/fetch.hpp"
#include "registry/session.hpp"

namespace berth::registry {

namespace {

using image::Descriptor;
using image::Digest;

// Downloads a pull's missing layers on a few threads, in order, so the layer the unpacker
// needs next is always the one furthest along.
class LayerDownloads {
  public:
    LayerDownloads(RegistryHosts& hosts, Session& session, const std::string& repo,
                   const std::vector<Descriptor>& layers, image::ContentStore& content,
                   image::Lease& lease, ProgressSink& progress, int workers)
        : hosts_(hosts), session_(session), repo_(repo), layers_(layers), content_(content), lease_(lease),
          progress_(progress), state_(layers.size(), State::pending) {
        for (size_t i = 0; i < layers.size(); ++i) {
            if (content.exists(layers[i].digest)) {
                lease.add(layers[i].digest);
                state_[i] = State::done;
            }
        }
        int n = std::max(1, workers);
        for (int i = 0; i < n; ++i) threads_.emplace_back([this] { work(); });
    }
    ~LayerDownloads() {
        cancel_ = true;
        for (auto& t : threads_) t.join();
    }

    // Blocks until layer i is in the content store; rethrows the first download error.
    void wait(size_t i) {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return state_[i] == State::done || error_; });
        if (error_) std::rethrow_exception(error_);
    }

  private:
    enum class State { pending, running, done };

    void work() {
        try {
            HttpClient http;
            for (;;) {
                size_t i;
                {
                    std::lock_guard lock(mutex_);
                    if (cancel_ || error_) return;
                    auto it = std::find(state_.begin(), state_.end(), State::pending);
                    if (it == state_.end()) return;
                    i = static_cast<size_t>(it - state_.begin());
                    state_[i] = State::running;
                }
                const Descriptor& d = layers_[i];
                std::string id = short_id(d.digest.str());
                hosts_.download_slots().acquire();
                struct Release {
                    RegistryHosts& h;
                    ~Release() { h.download_slots().release(); }
                } release{hosts_};
                ProgressThrottle throttle(progress_, "Downloading", id, static_cast<uint64_t>(d.size));
                fetch_blob(session_, http, repo_, d, content_, &lease_,
                           [&](uint64_t n) { throttle.update(n); }, [this] { return cancel_.load(); });
                progress_.emit(status_with_detail("Verifying Checksum", id));
                progress_.emit(status_with_detail("Download complete", id));
                std::lock_guard lock(mutex_);
                state_[i] = State::done;
                cv_.notify_all();
            }
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = std::current_exception();
            cancel_ = true;
            cv_.notify_all();
        }
    }

    RegistryHosts& hosts_;
    Session& session_;
    const std::string& repo_;
    const std::vector<Descriptor>& layers_;
    image::ContentStore& content_;
    image::Lease& lease_;
    ProgressSink& progress_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<State> state_;
    std::exception_ptr error_;
    std::atomic<bool> cancel_{false};
    std::vector<std::thread> threads_;
};

// "Extracting" progress while a layer unpacks: the unpacker reads the blob's fd from start to
// end, so the fd's offset, read every 100 ms from this thread, is how far it got.
class ExtractProgress {
  public:
    ExtractProgress(ProgressSink& sink, const std::string& id, int fd, uint64_t size, bool on)
        : sink_(sink), id_(id), fd_(fd), size_(size) {
        if (on) thread_ = std::thread([this] { watch(); });
    }
    ~ExtractProgress() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

  private:
    void watch() {
        std::unique_lock lock(mutex_);
        while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return done_; })) {
            off_t at = ::lseek(fd_, 0, SEEK_CUR);
            if (at > 0 && static_cast<uint64_t>(at) < size_)
                sink_.emit(progress_message("Extracting", id_, static_cast<uint64_t>(at), size_));
        }
    }

    ProgressSink& sink_;
    std::string id_;
    int fd_;
    uint64_t size_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

// The image this host (or `want`) runs, from a manifest or an index.
FetchedManifest platform_manifest(Session& session, HttpClient& http, const image::Reference& ref,
                                  FetchedManifest top, const image::Platform& want) {
    const std::string ref_text = ref.familiar_string();
    for (int depth = 0;; ++depth) {
        image::ManifestKind kind = image::detect_manifest_kind(top.bytes, top.media_type);
        if (kind == image::ManifestKind::oci_manifest || kind == image::ManifestKind::docker_manifest)
            return top;
        if (depth >= 2) throw Error(Errc::invalid_argument, "image index nesting is too deep in " + ref_text);
        image::Index index = image::parse_index(top.bytes, "index " + top.digest.str());
        const Descriptor& chosen = image::select_platform(index.manifests, want);
        top = fetch_manifest(session, http, ref.path(), chosen.digest.str(), ref_text);
    }
}

void set_tags(image::ImageStore& images, const std::vector<std::string>& tags, const Digest& id) {
    for (const auto& t : tags) {
        image::Reference r = image::Reference::parse(t);
        images.set_tag(r.str(), id, r.has_digest());
    }
}

PullResult pull_one(Session& session, HttpClient& http, RegistryHosts& hosts,
                const image::ArchiveTargets& targets, const image::Reference& ref,
                const image::Platform& want, bool platform_asked, ProgressSink& progress,
                RegistryRecords* sources, bool final_status = true) {
    const std::string tag_or_digest = ref.has_digest() ? ref.digest()->str() : ref.tag();
    const std::string repo = ref.path();
    FetchedManifest top = fetch_manifest(session, http, repo, tag_or_digest, ref.familiar_string());
    FetchedManifest chosen = platform_manifest(session, http, ref, top, want);
    image::Manifest manifest = image::parse_manifest(chosen.bytes, "manifest " + chosen.digest.str());
    if (!image::media_type::is_config(manifest.config.media_type))
        throw Error(Errc::invalid_argument,
                    ref.familiar_string() + " is not a container image: its config has media type " +
                        manifest.config.media_type);
    for (const auto& l : manifest.layers) {
        if (!image::media_type::layer_compression(l.media_type))
            throw Error(Errc::invalid_argument, "unsupported layer media type " + l.media_type +
                                                    " in " + ref.familiar_string());
    }

    progress.emit(status("Pulling from " + repo, tag_or_digest));
    std::vector<std::string> tags = {ref.str()};
    if (!ref.has_digest()) tags.push_back(ref.name() + "@" + top.digest.str());

    image::ContentStore& content = targets.content;
    if (!targets.leases) throw Error(Errc::internal, "pull needs a lease manager");
    image::Lease lease = targets.leases->acquire("pull " + ref.str());
    const Digest& config_digest = manifest.config.digest;
    if (auto existing = targets.images.get_image(config_digest)) {
        auto before = targets.images.resolve_tag(ref.str());
        content.put(chosen.bytes, &lease);
        set_tags(targets.images, tags, config_digest);
        progress.emit(status("Digest: " + top.digest.str()));
        bool same = before && *before == config_digest;
        if (final_status)
            progress.emit(status(std::string(same ? "Status: Image is up to date for "
                                                  : "Status: Downloaded newer image for ") +
                                 ref.familiar_string()));
        return {config_digest, !same};
    }

    content.put(chosen.bytes, &lease);
    fetch_blob(session, http, repo, manifest.config, content, &lease, {});
    image::ImageConfig config =
        image::parse_image_config(content.read_blob(config_digest), "image config " + config_digest.str());
    // A single-platform image for another platform than --platform asked: refused before any
    // layer is downloaded, as moby's pull does.
    if (platform_asked && chosen.digest == top.digest &&
        !image::platform_matches(want.normalized(), config.platform().normalized()))
        throw Error(Errc::not_found, "image with reference " + ref.familiar_string() +
                                         " was found but does not match the specified platform: wanted " +
                                         want.normalized().str() + ", actual: " +
                                         config.platform().normalized().str());
    if (config.diff_ids.size() != manifest.layers.size())
        throw Error(Errc::invalid_argument,
                    "image " + ref.familiar_string() + " has " + std::to_string(manifest.layers.size()) +
                        " layers but its config lists " + std::to_string(config.diff_ids.size()) +
                        " diff ids");

    // A layer already here (another image shares it) is reported once, as Docker does.
    std::vector<bool> present;
    for (const auto& l : manifest.layers) {
        present.push_back(content.exists(l.digest));
        progress.emit(status_with_detail(present.back() ? "Already exists" : "Pulling fs layer",
                                         short_id(l.digest.str())));
    }
    std::vector<Digest> chains = image::chain_ids(config.diff_ids);
    {
        LayerDownloads downloads(hosts, session, repo, manifest.layers, content, lease, progress,
                                 hosts.config().max_concurrent_downloads);
        // Unpack in order behind the downloads: layer i needs layer i-1 under it.
        for (size_t i = 0; i < manifest.layers.size(); ++i) {
            downloads.wait(i);
            if (!targets.unpack) continue;
            const Descriptor& l = manifest.layers[i];
            std::string id = short_id(l.digest.str());
            lease.add(chains[i]);
            if (!present[i])
                progress.emit(progress_message("Extracting", id, static_cast<uint64_t>(l.size),
                                               static_cast<uint64_t>(l.size)));
            UniqueFd fd = content.open_blob(l.digest);
            std::optional<Digest> parent;
            if (i > 0) parent = chains[i - 1];
            try {
                ExtractProgress watch(progress, id, fd.get(), static_cast<uint64_t>(l.size), !present[i]);
                targets.unpack(chains[i], config.diff_ids[i], parent, fd.get());
            } catch (const Error& e) {
                throw Error(e.code(), "failed to register layer " + l.digest.str() + " of " +
                                          ref.familiar_string() + ": " + e.what());
            }
            if (!present[i]) progress.emit(status_with_detail("Pull complete", id));
        }
    }
    image::NewImage record;
    record.config = config_digest;
    record.manifest = chosen.digest;
    record.layers = manifest.layers;
    record.tags = tags;
    image::register_image(targets, record, &lease);
    if (sources && !session.endpoint().mirror) {
        sources->add(config_digest, session.endpoint().host, repo);
        for (const auto& l : manifest.layers) sources->add(l.digest, session.endpoint().host, repo);
    }
    progress.emit(status("Digest: " + top.digest.str()));
    if (final_status) progress.emit(status("Status: Downloaded newer image for " + ref.familiar_string()));
    return {config_digest, true};
}

std::vector<std::string> list_tags(Session& session, HttpClient& http, const std::string& repo) {
    HttpRequest r;
    r.url = "/v2/" + repo + "/tags/list";
    HttpResponse response = session.send_with_retry(http, r);
    if (response.status != 200)
        throw_registry_error(session, response, "Get \"" + session.url(r.url) + "\"");
    Json j = Json::parse(response.body, nullptr, false);
    std::vector<std::string> tags;
    if (j.is_object() && j.contains("tags") && j["tags"].is_array())
        for (const auto& t : j["tags"])
            if (t.is_string()) tags.push_back(t);
    return tags;
}

// moby's translatePullError: what a registry says when the repository is missing or
// private reads as Docker's hint.
[[noreturn]] void rethrow_pull_error(const Error& e, const image::Reference& ref) {
    std::string what = e.what();
    bool denied = e.code() == Errc::unauthorized || e.code() == Errc::permission_denied ||
                  what.find("name unknown") != std::string::npos;
    // Never 401: the docker CLI answers a 401 by prompting for a login, which dockerd's pull
    // errors do not cause.
    if (what.find("no basic auth credentials") != std::string::npos)
        throw Error(Errc::permission_denied, what);
    if (denied)
        throw Error(Errc::not_found,
                    "pull access denied for " + ref.familiar_name() +
                        ", repository does not exist or may require 'docker login': " +
                        what.substr(what.find(": ") == std::string::npos ? 0 : what.find(": ") + 2));
    throw e;
}

}  // namespace

PullResult pull(RegistryHosts& hosts, const image::ArchiveTargets& targets,
                const PullRequest& request, ProgressSink& progress, RegistryRecords* sources) {
    const image::Reference& ref = request.ref;
    image::Platform want = request.platform.value_or(image::Platform::host());
    std::vector<std::string> scopes = {"repository:" + ref.path() + ":pull"};
    std::vector<Endpoint> endpoints = hosts.endpoints(ref.domain());
    HttpClient http;
    for (size_t e = 0; e < endpoints.size(); ++e) {
        bool last = e + 1 == endpoints.size();
        Session session(hosts, endpoints[e], request.credentials, scopes);
        try {
            session.ping(http);
            if (!request.all_tags) {
                return pull_one(session, http, hosts, targets, ref, want, request.platform.has_value(),
                                progress, sources);
            }
            PullResult result;
            std::vector<std::string> tags = list_tags(session, http, ref.path());
            if (tags.empty())
                throw Error(Errc::not_found, "no tags found for " + ref.familiar_name());
            for (const auto& t : tags) {
                PullResult p = pull_one(session, http, hosts, targets, ref.with_tag(t), want,
                                    request.platform.has_value(), progress, sources, false);
                result.image_id = p.image_id;
                result.downloaded = result.downloaded || p.downloaded;
            }
            // One status for the repository, as Docker ends `pull -a`.
            progress.emit(status(std::string(result.downloaded ? "Status: Downloaded newer image for "
                                                               : "Status: Image is up to date for ") +
                                 ref.familiar_name()));
            return result;
        } catch (const TransportError& t) {
            if (!last) continue;  // a mirror that is down: the next endpoint
            throw Error(Errc::unavailable, t.what());
        } catch (const Error& err) {
            if (!last && endpoints[e].mirror) continue;
            rethrow_pull_error(err, ref);
        }
    }
    throw Error(Errc::internal, "no endpoint to pull " + ref.familiar_string() + " from");
}

}  // namespace berth::registry
