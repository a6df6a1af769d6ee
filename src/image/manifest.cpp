#include "image/manifest.hpp"

#include "common/error.hpp"
#include "image/media_types.hpp"

namespace berth::image {

namespace mt = media_type;

namespace {

constexpr const char* kSchema1Refusal =
    "unsupported manifest: Docker schema 1 manifests are no longer supported (Docker removed them in "
    "v28 and registries convert on request); ask the image's publisher to push it as OCI or Docker "
    "schema 2";

Digest read_digest(const JsonReader& r) {
    std::string text = r.as_string();
    try {
        return Digest::parse(text);
    } catch (const Error& e) {
        r.fail(e.what());
    }
}

Platform parse_platform(const JsonReader& r) {
    r.require_object();
    Platform p;
    p.architecture = r.at("architecture").as_string();
    p.os = r.at("os").as_string();
    p.variant = r.string_or("variant", "");
    p.os_version = r.string_or("os.version", "");
    p.os_features = r.string_list("os.features");
    return p;
}

Json platform_json(const Platform& p) {
    Json j = {{"architecture", p.architecture}, {"os", p.os}};
    if (!p.variant.empty()) j["variant"] = p.variant;
    if (!p.os_version.empty()) j["os.version"] = p.os_version;
    if (!p.os_features.empty()) j["os.features"] = p.os_features;
    return j;
}

int read_schema_version(const JsonReader& root) {
    auto v = root.opt_int("schemaVersion");
    if (!v) root.at("schemaVersion");  // throws "required but missing"
    if (*v == 1) throw Error(Errc::invalid_argument, kSchema1Refusal);
    if (*v != 2) root.at("schemaVersion").fail("unsupported schemaVersion " + std::to_string(*v) + ", expected 2");
    return 2;
}

}  // namespace

Descriptor parse_descriptor(const JsonReader& r) {
    r.require_object();
    Descriptor d;
    d.media_type = r.at("mediaType").as_string();
    d.digest = read_digest(r.at("digest"));
    auto size = r.at("size");
    int64_t n = size.as_int();
    if (n < 0) size.fail("size must not be negative");
    d.size = n;
    d.urls = r.string_list("urls");
    d.annotations = r.string_map("annotations");
    if (auto p = r.get("platform")) d.platform = parse_platform(*p);
    d.artifact_type = r.string_or("artifactType", "");
    return d;
}

Json Descriptor::to_json() const {
    Json j = {{"mediaType", media_type}, {"digest", digest.str()}, {"size", size}};
    if (!urls.empty()) j["urls"] = urls;
    if (!annotations.empty()) j["annotations"] = annotations;
    if (platform) j["platform"] = platform_json(*platform);
    if (!artifact_type.empty()) j["artifactType"] = artifact_type;
    return j;
}

ManifestKind detect_manifest_kind(std::string_view json, std::string_view content_type) {
    Json doc = parse_json(json, "manifest");
    JsonReader root(doc, "manifest");
    root.require_object();
    std::string declared = root.string_or("mediaType", "");
    if (mt::is_schema1(declared) || mt::is_schema1(content_type)) throw Error(Errc::invalid_argument, kSchema1Refusal);
    if (root.opt_int("schemaVersion") == 1) throw Error(Errc::invalid_argument, kSchema1Refusal);
    std::string_view type = declared.empty() ? content_type : std::string_view(declared);
    if (type == mt::kOciManifest) return ManifestKind::oci_manifest;
    if (type == mt::kOciIndex) return ManifestKind::oci_index;
    if (type == mt::kDockerManifest) return ManifestKind::docker_manifest;
    if (type == mt::kDockerManifestList) return ManifestKind::docker_manifest_list;
    if (!declared.empty()) {
        root.at("mediaType").fail("unsupported manifest media type \"" + declared + "\"");
    }
    // OCI lets mediaType be absent; the shape then decides.
    if (root.has("manifests")) return ManifestKind::oci_index;
    if (root.has("config") && root.has("layers")) return ManifestKind::oci_manifest;
    root.fail("not an image manifest or index: no mediaType and neither \"manifests\" nor \"config\"/\"layers\"");
}

Manifest parse_manifest(std::string_view json, const std::string& doc) {
    Json j = parse_json(json, doc);
    JsonReader root(j, doc);
    root.require_object();
    Manifest m;
    m.media_type = root.string_or("mediaType", "");
    if (mt::is_schema1(m.media_type)) throw Error(Errc::invalid_argument, kSchema1Refusal);
    m.schema_version = read_schema_version(root);
    if (!m.media_type.empty() && !mt::is_manifest(m.media_type)) {
        root.at("mediaType").fail("expected an image manifest, got \"" + m.media_type + "\"" +
                                  (mt::is_index(m.media_type) ? " (an index: select a platform first)" : ""));
    }
    m.docker = m.media_type == mt::kDockerManifest;
    if (root.has("manifests")) root.at("manifests").fail("an image manifest has no \"manifests\" (is this an index?)");
    m.config = parse_descriptor(root.at("config"));
    auto layers = root.at("layers");
    layers.require_array();
    for (const auto& l : layers.elements()) {
        Descriptor d = parse_descriptor(l);
        // Docker's schema2 only knows its own layer types; OCI allows artifacts of any type,
        // which the puller refuses when it tries to unpack them, not here.
        if (m.docker && !mt::is_layer(d.media_type)) {
            l.at("mediaType").fail("unknown layer media type \"" + d.media_type + "\"");
        }
        m.layers.push_back(std::move(d));
    }
    if (auto s = root.get("subject")) m.subject = parse_descriptor(*s);
    m.artifact_type = root.string_or("artifactType", "");
    m.annotations = root.string_map("annotations");
    return m;
}

Index parse_index(std::string_view json, const std::string& doc) {
    Json j = parse_json(json, doc);
    JsonReader root(j, doc);
    root.require_object();
    Index ix;
    ix.media_type = root.string_or("mediaType", "");
    if (mt::is_schema1(ix.media_type)) throw Error(Errc::invalid_argument, kSchema1Refusal);
    ix.schema_version = read_schema_version(root);
    if (!ix.media_type.empty() && !mt::is_index(ix.media_type)) {
        root.at("mediaType").fail("expected an image index or manifest list, got \"" + ix.media_type + "\"");
    }
    ix.docker = ix.media_type == mt::kDockerManifestList;
    auto list = root.at("manifests");
    list.require_array();
    for (const auto& e : list.elements()) {
        Descriptor d = parse_descriptor(e);
        if (ix.docker && !d.platform) e.fail("a manifest list entry needs a platform");
        ix.manifests.push_back(std::move(d));
    }
    if (auto s = root.get("subject")) ix.subject = parse_descriptor(*s);
    ix.annotations = root.string_map("annotations");
    return ix;
}

namespace {

std::vector<std::string> string_or_list(const JsonReader& r, const char* key) {
    auto v = r.get(key);
    if (!v) return {};
    if (v->raw().is_string()) return {v->as_string()};  // very old configs: "Cmd": "sh"
    return r.string_list(key);
}

std::vector<std::string> object_keys(const JsonReader& r, const char* key) {
    std::vector<std::string> out;
    if (auto v = r.get(key)) {
        for (const auto& [k, unused] : v->entries()) out.push_back(k);
    }
    return out;
}

Json keys_object(const std::vector<std::string>& keys) {
    Json j = Json::object();
    for (const auto& k : keys) j[k] = Json::object();
    return j;
}

}  // namespace

RunConfig parse_run_config(const JsonReader& r) {
    r.require_object();
    RunConfig c;
    c.user = r.string_or("User", "");
    c.env = r.string_list("Env");
    c.has_cmd = r.has("Cmd");
    c.cmd = string_or_list(r, "Cmd");
    c.has_entrypoint = r.has("Entrypoint");
    c.entrypoint = string_or_list(r, "Entrypoint");
    c.working_dir = r.string_or("WorkingDir", "");
    c.labels = r.string_map("Labels");
    c.exposed_ports = object_keys(r, "ExposedPorts");
    c.volumes = object_keys(r, "Volumes");
    c.stop_signal = r.string_or("StopSignal", "");
    if (auto h = r.get("Healthcheck")) {
        HealthConfig hc;
        hc.test = h->string_list("Test");
        hc.interval = h->opt_int("Interval").value_or(0);
        hc.timeout = h->opt_int("Timeout").value_or(0);
        hc.start_period = h->opt_int("StartPeriod").value_or(0);
        hc.start_interval = h->opt_int("StartInterval").value_or(0);
        hc.retries = static_cast<int>(h->opt_int("Retries").value_or(0));
        c.healthcheck = std::move(hc);
    }
    c.shell = r.string_list("Shell");
    c.args_escaped = r.bool_or("ArgsEscaped", false);
    c.on_build = r.string_list("OnBuild");
    return c;
}

Json run_config_to_json(const RunConfig& c) {
    auto list_or_null = [](const std::vector<std::string>& v, bool present) {
        return (v.empty() && !present) ? Json(nullptr) : Json(v);
    };
    Json j = {{"Hostname", ""}, {"Domainname", ""}, {"User", c.user}, {"AttachStdin", false},
              {"AttachStdout", false}, {"AttachStderr", false}};
    if (!c.exposed_ports.empty()) j["ExposedPorts"] = keys_object(c.exposed_ports);
    j["Tty"] = false;
    j["OpenStdin"] = false;
    j["StdinOnce"] = false;
    j["Env"] = list_or_null(c.env, false);
    j["Cmd"] = list_or_null(c.cmd, c.has_cmd);
    if (c.healthcheck) {
        Json h = {{"Test", c.healthcheck->test}};
        if (c.healthcheck->interval) h["Interval"] = c.healthcheck->interval;
        if (c.healthcheck->timeout) h["Timeout"] = c.healthcheck->timeout;
        if (c.healthcheck->start_period) h["StartPeriod"] = c.healthcheck->start_period;
        if (c.healthcheck->start_interval) h["StartInterval"] = c.healthcheck->start_interval;
        if (c.healthcheck->retries) h["Retries"] = c.healthcheck->retries;
        j["Healthcheck"] = h;
    }
    if (c.args_escaped) j["ArgsEscaped"] = true;
    j["Image"] = "";
    j["Volumes"] = c.volumes.empty() ? Json(nullptr) : keys_object(c.volumes);
    j["WorkingDir"] = c.working_dir;
    j["Entrypoint"] = list_or_null(c.entrypoint, c.has_entrypoint);
    j["OnBuild"] = list_or_null(c.on_build, false);
    j["Labels"] = c.labels.empty() ? Json(nullptr) : Json(c.labels);
    if (!c.stop_signal.empty()) j["StopSignal"] = c.stop_signal;
    if (!c.shell.empty()) j["Shell"] = c.shell;
    return j;
}

ImageConfig parse_image_config(std::string_view json, const std::string& doc) {
    ImageConfig ic;
    ic.raw = parse_json(json, doc);
    JsonReader root(ic.raw, doc);
    root.require_object();
    ic.architecture = root.at("architecture").as_string();
    ic.os = root.at("os").as_string();
    ic.variant = root.string_or("variant", "");
    ic.os_version = root.string_or("os.version", "");
    ic.created = root.string_or("created", "");
    ic.author = root.string_or("author", "");
    ic.docker_version = root.string_or("docker_version", "");
    ic.comment = root.string_or("comment", "");
    ic.parent = root.string_or("parent", "");
    if (auto c = root.get("config")) ic.config = parse_run_config(*c);
    auto rootfs = root.at("rootfs");
    ic.rootfs_type = rootfs.at("type").as_string();
    if (ic.rootfs_type != "layers") rootfs.at("type").fail("expected \"layers\", got \"" + ic.rootfs_type + "\"");
    auto diff_ids = rootfs.at("diff_ids");
    diff_ids.require_array();
    for (const auto& d : diff_ids.elements()) ic.diff_ids.push_back(read_digest(d));
    if (auto history = root.get("history")) {
        for (const auto& h : history->elements()) {
            HistoryEntry e;
            e.created = h.string_or("created", "");
            e.created_by = h.string_or("created_by", "");
            e.author = h.string_or("author", "");
            e.comment = h.string_or("comment", "");
            e.empty_layer = h.bool_or("empty_layer", false);
            ic.history.push_back(std::move(e));
        }
    }
    return ic;
}

std::vector<Digest> chain_ids(const std::vector<Digest>& diff_ids) {
    std::vector<Digest> out;
    out.reserve(diff_ids.size());
    for (const Digest& d : diff_ids) {
        out.push_back(out.empty() ? d : Digest::sha256_of(out.back().str() + " " + d.str()));
    }
    return out;
}

Digest chain_id(const std::vector<Digest>& diff_ids) {
    auto all = chain_ids(diff_ids);
    return all.empty() ? Digest{} : all.back();
}

}  // namespace berth::image
