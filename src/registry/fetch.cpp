#include "registry/fetch.hpp"

#include <exception>
#include <thread>

#include "common/error.hpp"
#include "image/gc.hpp"
#include "image/media_types.hpp"
#include "registry/registry_error.hpp"

namespace berth::registry {

namespace {

const std::string kAccept =
    "Accept: " + std::string(image::media_type::kOciIndex) + ", " +
    std::string(image::media_type::kDockerManifestList) + ", " +
    std::string(image::media_type::kOciManifest) + ", " +
    std::string(image::media_type::kDockerManifest);

std::string media_type_of(const HttpResponse& response, const std::string& bytes) {
    std::string ct = response.header("content-type");
    if (size_t semi = ct.find(';'); semi != std::string::npos) ct.resize(semi);
    if (!ct.empty() && ct != "application/json" && ct != "text/plain" &&
        ct != "application/octet-stream")
        return ct;
    Json j = Json::parse(bytes, nullptr, false);
    if (j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()) return j["mediaType"];
    return ct;
}

}  // namespace

void throw_registry_error(Session& session, const HttpResponse& response, const std::string& what) {
    if (response.status == 401 && session.basic_without_credentials())
        throw Error(Errc::unauthorized, what + ": no basic auth credentials");
    RegistryErrorInfo info = read_registry_error(response);
    throw Error(errc_for_status(response.status), what + ": " + info.text);
}

FetchedManifest fetch_manifest(Session& session, HttpClient& http, const std::string& repo,
                               const std::string& tag_or_digest, const std::string& ref_text) {
    HttpRequest r;
    r.url = "/v2/" + repo + "/manifests/" + tag_or_digest;
    r.headers.push_back(kAccept);
    r.max_body = kMaxManifestSize;
    HttpResponse response;
    try {
        response = session.send_with_retry(http, r);
    } catch (const Error& e) {
        if (std::string(e.what()).starts_with("response body exceeds"))
            throw Error(Errc::invalid_argument, "manifest for " + ref_text + " is larger than " +
                                                    std::to_string(kMaxManifestSize) + " bytes");
        throw;
    }
    if (response.status == 404)
        throw_registry_error(session, response, "manifest for " + ref_text + " not found");
    if (response.status != 200)
        throw_registry_error(session, response, "Head \"" + session.url(r.url) + "\"");
    FetchedManifest m;
    m.bytes = std::move(response.body);
    m.media_type = media_type_of(response, m.bytes);
    m.digest = image::Digest::sha256_of(m.bytes);
    if (tag_or_digest.find(':') != std::string::npos) {
        image::Digest want = image::Digest::parse(tag_or_digest);
        if (want.algorithm() != "sha256") {
            image::Hasher h(want.algorithm());
            h.update(m.bytes);
            m.digest = h.finish();
        }
        if (!(m.digest == want))
            throw Error(Errc::invalid_argument, "manifest verification failed for digest " +
                                                    want.str() + " of " + ref_text);
    } else if (std::string sent = response.header("docker-content-digest");
               !sent.empty() && sent.starts_with("sha256:") && sent != m.digest.str()) {
        throw Error(Errc::invalid_argument, "manifest for " + ref_text + " has digest " +
                                                m.digest.str() + " but the registry says " + sent);
    }
    return m;
}

bool fetch_blob(Session& session, HttpClient& http, const std::string& repo,
                const image::Descriptor& blob, image::ContentStore& content, image::Lease* lease,
                const std::function<void(uint64_t)>& on_progress,
                const std::function<bool()>& cancelled) {
    if (content.exists(blob.digest)) {
        if (lease) lease->add(blob.digest);
        return false;
    }
    const std::string what = "blob " + blob.digest.str();
    std::chrono::milliseconds delay(200);
    constexpr int kAttempts = 5;
    for (int attempt = 1;; ++attempt) {
        image::ContentWriter w = content.open_writer("pull-" + blob.digest.str(), blob.digest,
                                                     static_cast<uint64_t>(blob.size));
        // The partial data serves the retries of this pull only: when it gives up (an error,
        // the pull cancelled because another layer failed), nothing of it stays behind.
        struct AbortOnThrow {
            image::ContentWriter& w;
            int pending = std::uncaught_exceptions();
            ~AbortOnThrow() {
                if (std::uncaught_exceptions() > pending) image::abort_quietly(w);
            }
        } guard{w};
        if (w.already_exists()) {
            w.commit(lease);
            return false;
        }
        uint64_t offset = w.offset();
        if (offset < static_cast<uint64_t>(blob.size)) {
            HttpRequest r;
            r.url = "/v2/" + repo + "/blobs/" + blob.digest.str();
            if (offset > 0) r.headers.push_back("Range: bytes=" + std::to_string(offset) + "-");
            uint64_t written = offset;
            r.on_start = [&](int status) {
                // A 200 to a ranged request carries the whole blob: start over.
                if (status == 200 && written > 0) {
                    w.truncate();
                    written = 0;
                }
            };
            r.on_data = [&](std::string_view chunk) {
                if (cancelled && cancelled()) throw Error(Errc::unavailable, "pull cancelled");
                w.write(chunk);
                written += chunk.size();
                if (on_progress) on_progress(written);
            };
            HttpResponse response;
            bool transient = false;
            try {
                response = session.send(http, r);
            } catch (const TransportError& e) {
                if (attempt >= kAttempts)
                    throw Error(Errc::unavailable, "failed to download " + what + ": " + e.what());
                transient = true;
            } catch (const Error& e) {
                if (std::string_view(e.what()).starts_with("pull cancelled")) throw;
                throw Error(e.code(), "failed to download " + what + ": " + e.what());
            }
            if (!transient) {
                if (response.status == 416 && offset > 0) {
                    w.truncate();  // what we kept is not a prefix the server knows: start over
                    continue;
                }
                if (response.status != 200 && response.status != 206) {
                    if (is_transient_status(response.status) && attempt < kAttempts) {
                        transient = true;
                    } else {
                        throw_registry_error(session, response,
                                             "failed to download " + what + " from " + session.url(r.url));
                    }
                }
            }
            // A body that ended early without a transport error (a chunked reply cut
            // cleanly) is resumed like a cut connection.
            if (!transient && w.offset() < static_cast<uint64_t>(blob.size)) {
                if (attempt >= kAttempts)
                    throw Error(Errc::unavailable, "failed to download " + what + ": body ended after " +
                                                       std::to_string(w.offset()) + " of " +
                                                       std::to_string(blob.size) + " bytes");
                transient = true;
            }
            if (transient) {
                std::this_thread::sleep_for(delay);
                delay *= 2;
                continue;
            }
        }
        try {
            w.commit(lease);
        } catch (const Error& e) {
            throw Error(Errc::invalid_argument,
                        "filesystem layer verification failed for digest " + blob.digest.str() +
                            ": " + e.what());
        }
        return true;
    }
}

}  // namespace berth::registry
