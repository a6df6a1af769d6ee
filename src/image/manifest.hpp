#pragma once
// Parsed image formats: OCI manifest / index / config and Docker schema2 manifest / list.
// Parsing validates what berth relies on and names the JSON path on error
// ("manifest: layers[1].digest: invalid digest ..."). Docker schema 1 is refused.
// Unknown fields are kept only in `raw`, so the original bytes (and digest) stay the
// authority: berth never re-serialises a manifest it did not create.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_reader.hpp"
#include "image/digest.hpp"
#include "image/platform.hpp"

namespace berth::image {

struct Descriptor {
    std::string media_type;
    Digest digest;
    int64_t size = 0;
    std::vector<std::string> urls;
    std::map<std::string, std::string> annotations;
    std::optional<Platform> platform;  // index entries only
    std::string artifact_type;

    Json to_json() const;
};

// Parses a descriptor object (mediaType, digest, size required; urls, annotations,
// platform, artifactType optional). Exposed for archive readers (index.json).
Descriptor parse_descriptor(const JsonReader& r);

enum class ManifestKind { oci_manifest, oci_index, docker_manifest, docker_manifest_list };

// Decides what a manifest-ish document is, from its mediaType field, or the
// Content-Type the registry sent when the field is absent (allowed by OCI), or its shape
// (`manifests` vs `layers`). Throws invalid_argument for schema 1:
//   "unsupported manifest: Docker schema 1 manifests are no longer supported (...)"
// and for anything else it cannot identify.
ManifestKind detect_manifest_kind(std::string_view json, std::string_view content_type = "");

struct Manifest {
    int schema_version = 2;
    std::string media_type;  // as declared; empty allowed for OCI
    bool docker = false;     // Docker schema2 rather than OCI
    std::string artifact_type;
    Descriptor config;
    std::vector<Descriptor> layers;
    std::optional<Descriptor> subject;
    std::map<std::string, std::string> annotations;
};

struct Index {
    int schema_version = 2;
    std::string media_type;
    bool docker = false;  // Docker manifest list rather than OCI index
    std::vector<Descriptor> manifests;
    std::optional<Descriptor> subject;
    std::map<std::string, std::string> annotations;
};

// `doc` names the document in errors ("manifest sha256:abc...").
Manifest parse_manifest(std::string_view json, const std::string& doc = "manifest");
Index parse_index(std::string_view json, const std::string& doc = "index");

// What the container runs: the "config" object of an image config (Docker's
// ContainerConfig subset that images carry).
struct HealthConfig {
    std::vector<std::string> test;
    int64_t interval = 0, timeout = 0, start_period = 0, start_interval = 0;  // nanoseconds
    int retries = 0;
};

struct RunConfig {
    std::string user;
    std::vector<std::string> env;
    std::vector<std::string> cmd;
    std::vector<std::string> entrypoint;
    std::string working_dir;
    std::map<std::string, std::string> labels;
    std::vector<std::string> exposed_ports;  // "80/tcp"
    std::vector<std::string> volumes;        // "/data"
    std::string stop_signal;
    std::optional<HealthConfig> healthcheck;
    std::vector<std::string> shell;
    bool args_escaped = false;
    std::vector<std::string> on_build;
    // Docker writes "Cmd": null vs [] differently; remember presence for round trips.
    bool has_cmd = false, has_entrypoint = false;
};

struct HistoryEntry {
    std::string created;  // RFC 3339, may be empty
    std::string created_by;
    std::string author;
    std::string comment;
    bool empty_layer = false;
};

struct ImageConfig {
    std::string architecture;
    std::string os;
    std::string variant;
    std::string os_version;
    std::string created;  // RFC 3339
    std::string author;
    std::string docker_version;
    std::string comment;
    std::string parent;  // Docker's "parent" image id (local builds)
    RunConfig config;
    std::string rootfs_type = "layers";
    std::vector<Digest> diff_ids;
    std::vector<HistoryEntry> history;
    Json raw;  // the whole document, for fields berth does not model

    Platform platform() const { return Platform{os, architecture, variant, os_version, {}}; }
};

ImageConfig parse_image_config(std::string_view json, const std::string& doc = "image config");
// Docker's ContainerConfig JSON shape (PascalCase keys: "Env", "Cmd", ...), used in the
// config a builder or `import --change` writes and in ImageInspect.Config.
Json run_config_to_json(const RunConfig& c);
RunConfig parse_run_config(const JsonReader& r);

// chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)).
// Identifies an unpacked layer stack: equal chain ids mean equal filesystems.
std::vector<Digest> chain_ids(const std::vector<Digest>& diff_ids);
// The chain id of the whole stack; empty Digest for no layers.
Digest chain_id(const std::vector<Digest>& diff_ids);

}  // namespace berth::image
