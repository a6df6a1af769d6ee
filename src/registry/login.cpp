#include "registry/login.hpp"

#include "common/base64.hpp"
#include "common/error.hpp"
#include "image/manifest.hpp"
#include "registry/fetch.hpp"
#include "registry/registry_error.hpp"
#include "registry/session.hpp"

namespace berth::registry {

std::string login_host(const std::string& server_address) {
    std::string s = server_address;
    if (size_t scheme = s.find("://"); scheme != std::string::npos) s = s.substr(scheme + 3);
    if (size_t slash = s.find('/'); slash != std::string::npos) s = s.substr(0, slash);
    if (is_docker_hub(s)) return "docker.io";
    return s;
}

Json login(RegistryHosts& hosts, const Credentials& credentials) {
    std::string host = login_host(credentials.server_address);
    Endpoint endpoint = hosts.endpoints(host).back();
    Session session(hosts, endpoint, credentials, {});
    session.bypass_token_cache();
    HttpClient http;
    try {
        // A bearer challenge is answered inside ping: the token server judges the password.
        session.ping(http);
        HttpRequest r;
        r.url = "/v2/";
        HttpResponse response = session.send(http, r);
        if (response.status == 200) return {{"Status", "Login Succeeded"}, {"IdentityToken", ""}};
        std::string url = session.url("/v2/");
        if (response.status == 401)
            throw Error(Errc::unauthorized,
                        "login attempt to " + url + " failed with status: " + status_text(401));
        throw Error(errc_for_status(response.status),
                    "login attempt to " + url + " failed with status: " + status_text(response.status));
    } catch (const TransportError& t) {
        throw Error(Errc::unavailable, t.what());
    }
}

Json distribution_inspect(RegistryHosts& hosts, const image::Reference& ref,
                          const Credentials& credentials) {
    Endpoint endpoint = hosts.endpoints(ref.domain()).back();
    Session session(hosts, endpoint, credentials, {"repository:" + ref.path() + ":pull"});
    HttpClient http;
    try {
        session.ping(http);
        std::string tag_or_digest = ref.has_digest() ? ref.digest()->str() : ref.tag();
        FetchedManifest m = fetch_manifest(session, http, ref.path(), tag_or_digest, ref.familiar_string());
        Json out;
        out["Descriptor"] = {{"mediaType", m.media_type},
                             {"digest", m.digest.str()},
                             {"size", m.bytes.size()}};
        Json platforms = Json::array();
        image::ManifestKind kind = image::detect_manifest_kind(m.bytes, m.media_type);
        if (kind == image::ManifestKind::oci_index || kind == image::ManifestKind::docker_manifest_list) {
            for (const auto& d : image::parse_index(m.bytes).manifests) {
                if (!d.platform) continue;
                Json p = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
                if (!d.platform->variant.empty()) p["variant"] = d.platform->variant;
                platforms.push_back(p);
            }
        } else {
            image::Manifest manifest = image::parse_manifest(m.bytes);
            HttpRequest r;
            r.url = "/v2/" + ref.path() + "/blobs/" + manifest.config.digest.str();
            HttpResponse response = session.send_with_retry(http, r);
            if (response.status != 200)
                throw_registry_error(session, response, "Get \"" + session.url(r.url) + "\"");
            image::ImageConfig c = image::parse_image_config(response.body);
            Json p = {{"architecture", c.architecture}, {"os", c.os}};
            if (!c.variant.empty()) p["variant"] = c.variant;
            platforms.push_back(p);
        }
        out["Platforms"] = platforms;
        return out;
    } catch (const TransportError& t) {
        throw Error(Errc::unavailable, t.what());
    }
}

}  // namespace berth::registry
