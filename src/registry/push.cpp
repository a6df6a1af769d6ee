#include "registry/push.hpp"

#include "common/error.hpp"
#include "image/manifest.hpp"
#include "image/media_types.hpp"
#include "registry/fetch.hpp"
#include "registry/parallel.hpp"
#include "registry/push_form.hpp"
#include "registry/registry_error.hpp"
#include "registry/session.hpp"

namespace berth::registry {

namespace {

using image::Descriptor;

bool blob_exists(Session& session, HttpClient& http, const std::string& repo, const Descriptor& d) {
    HttpRequest r;
    r.method = "HEAD";
    r.url = "/v2/" + repo + "/blobs/" + d.digest.str();
    HttpResponse response = session.send_with_retry(http, r);
    if (response.status == 200) return true;
    if (response.status == 404) return false;
    throw_registry_error(session, response, "Head \"" + session.url(r.url) + "\"");
}

std::string location_of(Session& session, const HttpResponse& response, const std::string& what) {
    std::string loc = response.header("location");
    if (loc.empty()) throw Error(Errc::unavailable, what + ": the registry sent no upload location");
    if (loc.starts_with("/")) {
        std::string base = session.url("/");
        loc = base.substr(0, base.size() - 1) + loc;
    }
    return loc;
}

std::string with_query(const std::string& url, const std::string& query) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

// Starts an upload, or mounts the blob from `from`. Returns "" when mounted, else the
// upload's location.
std::string start_upload(Session& session, HttpClient& http, const std::string& repo,
                         const Descriptor& d, const std::string& from) {
    HttpRequest r;
    r.method = "POST";
    r.url = "/v2/" + repo + "/blobs/uploads/";
    if (!from.empty()) r.url += "?mount=" + d.digest.str() + "&from=" + url_escape(from);
    HttpResponse response = session.send_with_retry(http, r);
    if (response.status == 201 && !from.empty()) return "";
    if (response.status != 202)
        throw_registry_error(session, response, "Post \"" + session.url(r.url) + "\"");
    return location_of(session, response, "upload of " + d.digest.str());
}

void upload(Session& session, HttpClient& http, const std::string& location, const Descriptor& d,
            image::ContentStore& content, const std::function<void(uint64_t)>& on_sent) {
    UniqueFd fd = content.open_blob(d.digest, static_cast<uint64_t>(d.size));
    const uint64_t size = static_cast<uint64_t>(d.size);
    std::string loc = location;
    uint64_t offset = 0;
    if (size > kUploadChunk) {
        // Chunked: PATCH each piece with its Content-Range, following the new Location.
        while (offset < size) {
            uint64_t n = std::min<uint64_t>(kUploadChunk, size - offset);
            HttpRequest r;
            r.method = "PATCH";
            r.url = loc;
            r.body_fd = fd.get();
            r.body_offset = offset;
            r.body_length = n;
            r.headers = {"Content-Type: application/octet-stream",
                         "Content-Range: " + std::to_string(offset) + "-" + std::to_string(offset + n - 1)};
            uint64_t base = offset;
            r.on_sent = [&](uint64_t s) { on_sent(base + s); };
            HttpResponse response = session.send(http, r);
            if (response.status != 202)
                throw_registry_error(session, response, "Patch \"" + loc + "\"");
            loc = location_of(session, response, "upload of " + d.digest.str());
            offset += n;
        }
    }
    HttpRequest r;
    r.method = "PUT";
    r.url = with_query(loc, "digest=" + url_escape(d.digest.str()));
    r.headers = {"Content-Type: application/octet-stream"};
    if (offset < size) {
        // Monolithic: the whole blob in the closing PUT.
        r.body_fd = fd.get();
        r.body_offset = 0;
        r.body_length = size;
        r.on_sent = on_sent;
    } else {
        r.body_fd = fd.get();
        r.body_offset = size;
        r.body_length = 0;
    }
    HttpResponse response = session.send(http, r);
    if (response.status != 201 && response.status != 204)
        throw_registry_error(session, response, "Put \"" + r.url + "\"");
}

// One blob: HEAD, mount or upload. Returns the progress status Docker prints.
std::string push_blob(Session& session, HttpClient& http, const std::string& host,
                      const std::string& repo, const Descriptor& d, image::ContentStore& content,
                      RegistryRecords* sources, ProgressSink* progress, const std::string& id) {
    if (blob_exists(session, http, repo, d)) return "Layer already exists";
    std::string from;
    if (sources) from = sources->find(d.digest, host, repo).value_or("");
    std::string location = start_upload(session, http, repo, d, from);
    if (location.empty()) return "Mounted from " + from;
    std::optional<ProgressThrottle> throttle;
    if (progress) throttle.emplace(*progress, "Pushing", id, static_cast<uint64_t>(d.size));
    upload(session, http, location, d, content, [&](uint64_t n) {
        if (throttle) throttle->update(n);
    });
    return "Pushed";
}

void push_tag(Session& session, HttpClient& http, image::ContentStore& content,
              image::ImageStore& images, RegistryRecords* sources, image::LeaseManager* leases,
              const image::Reference& ref, ProgressSink& progress, int upload_workers) {
    auto id = images.resolve_tag(ref.str());
    if (!id) throw Error(Errc::not_found, "An image does not exist locally with the tag: " + ref.familiar_name());
    auto record = images.get_image(*id);
    if (!record) throw Error(Errc::not_found, "No such image: " + ref.familiar_string());
    PushForm form = push_form(content, images, sources, leases, *record);
    const image::Digest& manifest_digest = form.manifest_digest;
    const std::string& manifest_bytes = form.manifest_bytes;
    const image::Manifest& manifest = form.manifest;
    const std::string host = session.endpoint().host;
    const std::string repo = ref.path();

    // Docker lists the top layer first.
    std::vector<Descriptor> layers(manifest.layers.rbegin(), manifest.layers.rend());
    for (const auto& l : layers) progress.emit(status_with_detail("Preparing", short_id(l.digest.str())));
    // max-concurrent-uploads layers at once, each worker on its own connection.
    run_parallel(layers.size(), upload_workers, [&](size_t i) {
        const Descriptor& l = layers[i];
        std::string lid = short_id(l.digest.str());
        if (image::media_type::is_foreign_layer(l.media_type)) {
            progress.emit(status_with_detail("Skipped foreign layer", lid));
            return;
        }
        HttpClient worker_http;
        std::string outcome = push_blob(session, worker_http, host, repo, l, content, sources, &progress, lid);
        if (sources) sources->add(l.digest, host, repo);
        progress.emit(status_with_detail(outcome, lid));
    });
    push_blob(session, http, host, repo, manifest.config, content, sources, nullptr, "");
    if (sources) sources->add(manifest.config.digest, host, repo);

    HttpRequest r;
    r.method = "PUT";
    r.url = "/v2/" + repo + "/manifests/" + ref.tag();
    std::string media_type = manifest.media_type.empty()
                                 ? std::string(image::media_type::kOciManifest)
                                 : manifest.media_type;
    r.headers = {"Content-Type: " + media_type};
    r.body = manifest_bytes;
    HttpResponse response = session.send_with_retry(http, r);
    if (response.status != 201 && response.status != 200)
        throw_registry_error(session, response, "Put \"" + session.url(r.url) + "\"");
    images.set_tag(ref.name() + "@" + manifest_digest.str(), *id, true);
    progress.emit(status(ref.tag() + ": digest: " + manifest_digest.str() +
                         " size: " + std::to_string(manifest_bytes.size())));
    progress.emit({{"progressDetail", Json::object()},
                   {"aux",
                    {{"Tag", ref.tag()},
                     {"Digest", manifest_digest.str()},
                     {"Size", manifest_bytes.size()}}}});
}

}  // namespace

void push(RegistryHosts& hosts, image::ContentStore& content, image::ImageStore& images,
          RegistryRecords* sources, image::LeaseManager* leases, const PushRequest& request,
          ProgressSink& progress) {
    const image::Reference& ref = request.ref;
    std::vector<image::Reference> refs;
    if (ref.has_tag()) {
        refs.push_back(ref);
    } else {
        for (const auto& t : images.list_tags()) {
            if (t.digest_ref) continue;
            image::Reference r = image::Reference::parse(t.name);
            if (r.name() == ref.name()) refs.push_back(r);
        }
        if (refs.empty())
            throw Error(Errc::not_found, "An image does not exist locally with the tag: " + ref.familiar_name());
    }
    for (const auto& r : refs) {
        if (!images.resolve_tag(r.str()))
            throw Error(Errc::not_found, "An image does not exist locally with the tag: " + r.familiar_name());
    }
    // Mounts need pull on the source repositories too; Docker asks for them as they come up.
    std::vector<std::string> scopes = {"repository:" + ref.path() + ":pull,push"};
    std::vector<Endpoint> endpoints = hosts.endpoints(ref.domain());
    Endpoint endpoint = endpoints.back();  // never push to a mirror
    Session session(hosts, endpoint, request.credentials, scopes);
    HttpClient http;
    progress.emit(status("The push refers to repository [" + ref.name() + "]"));
    try {
        session.ping(http);
        for (const auto& r : refs) push_tag(session, http, content, images, sources, leases, r, progress,
                     hosts.config().max_concurrent_uploads);
    } catch (const TransportError& t) {
        throw Error(Errc::unavailable, t.what());
    } catch (const Error& e) {
        // Not 401, which makes the docker CLI prompt for a login: dockerd's push errors do not.
        if (e.code() == Errc::unauthorized) throw Error(Errc::permission_denied, e.what());
        throw;
    }
}

}  // namespace berth::registry
