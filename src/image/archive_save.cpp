#include "image/archive_save.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "common/unique_fd.hpp"
#include "image/content_store.hpp"
#include "image/image_store.hpp"
#include "image/manifest.hpp"
#include "image/media_types.hpp"
#include "image/reference.hpp"
#include "image/tar_writer.hpp"

namespace berth::image {

namespace {

// Where the archive's files go: a tar stream or a directory.
class Sink {
public:
    virtual ~Sink() = default;
    virtual void file(const std::string& path, const std::string& data) = 0;
    virtual void blob(ContentStore& content, const Digest& d) = 0;
};

class TarSink : public Sink {
public:
    explicit TarSink(int fd) : w_(fd) {
        for (const char* d : {"blobs", "blobs/sha256"}) {
            TarHeader h;
            h.name = d;
            h.type = S_IFDIR;
            h.mode = 0755;
            w_.add(h);
        }
    }
    void file(const std::string& path, const std::string& data) override {
        TarHeader h;
        h.name = path;
        w_.add(h, data);
    }
    void blob(ContentStore& content, const Digest& d) override {
        uint64_t size = content.info(d).size;
        UniqueFd fd = content.open_blob(d, size);
        TarHeader h;
        h.name = "blobs/" + d.algorithm() + "/" + d.hex();
        h.size = size;
        w_.write_header(h);
        w_.copy_from_fd(fd.get(), size, d.str());
    }
    void finish() { w_.finish(); }

private:
    TarWriter w_;
};

class DirSink : public Sink {
public:
    explicit DirSink(std::string dir) : dir_(std::move(dir)) { mkdir_all(dir_ + "/blobs/sha256"); }
    void file(const std::string& path, const std::string& data) override { write_file_atomic(dir_ + "/" + path, data); }
    void blob(ContentStore& content, const Digest& d) override {
        mkdir_all(dir_ + "/blobs/" + d.algorithm());
        std::string path = dir_ + "/blobs/" + d.algorithm() + "/" + d.hex();
        if (path_exists(path)) return;  // content addressed: already there
        uint64_t size = content.info(d).size;
        UniqueFd in = content.open_blob(d, size);
        std::string tmp = path + ".tmp";
        UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!out) throw_errno("create " + tmp);
        // A copy, not a hard link: the exported layout is the user's to change.
        for (uint64_t left = size; left > 0;) {
            ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, left, 0);
            if (n < 0) throw_errno("copy " + d.str() + " to " + tmp);
            if (n == 0) throw Error(Errc::internal, "blob " + d.str() + " is shorter than recorded");
            left -= static_cast<uint64_t>(n);
        }
        if (::rename(tmp.c_str(), path.c_str()) < 0) throw_errno("rename " + tmp);
    }

private:
    std::string dir_;
};

struct Selected {
    Digest id;
    std::vector<Reference> tags;
};

std::vector<Selected> select(ImageStore& images, const std::vector<std::string>& names) {
    std::vector<Selected> out;
    auto add = [&](const Digest& id, std::optional<Reference> tag) {
        for (auto& s : out) {
            if (s.id == id) {
                if (tag) s.tags.push_back(*tag);
                return;
            }
        }
        out.push_back({id, tag ? std::vector<Reference>{*tag} : std::vector<Reference>{}});
    };
    for (const auto& name : names) {
        std::string hex = name.starts_with("sha256:") ? name.substr(7) : name;
        if (!Reference::looks_like_image_id(name)) {
            try {
                Reference ref = Reference::parse(name);
                if (auto id = images.resolve_tag(ref.str())) {
                    add(*id, ref.has_digest() ? std::nullopt : std::optional(ref));
                    continue;
                }
            } catch (const Error&) {
            }
        }
        auto ids = images.find_images_by_prefix(hex);
        if (ids.size() != 1) throw Error(Errc::not_found, "No such image: " + name);
        add(ids.front(), std::nullopt);
    }
    return out;
}

// The manifest to write for an image: its own, or an OCI rewrite of a Docker one.
std::pair<Digest, std::string> manifest_for(ContentStore& content, const ImageRecord& rec, SaveFormat format) {
    std::optional<Manifest> m;
    if (rec.manifest && content.exists(*rec.manifest)) {
        std::string text = content.read_blob(*rec.manifest);
        m = parse_manifest(text, "manifest " + rec.manifest->str());
        if (!m->docker || format == SaveFormat::docker) {
            return {*rec.manifest, m->media_type.empty() ? std::string(media_type::kOciManifest) : m->media_type};
        }
    }
    if (!m) throw Error(Errc::not_found, "image " + rec.id.str() + " has no manifest in the content store");
    Json j = {{"schemaVersion", 2}, {"mediaType", media_type::kOciManifest}};
    Descriptor config = m->config;
    config.media_type = media_type::kOciConfig;
    j["config"] = config.to_json();
    j["layers"] = Json::array();
    for (Descriptor l : m->layers) {
        auto c = media_type::layer_compression(l.media_type);
        l.media_type = media_type::layer_media_type(c.value_or(media_type::Compression::none), false);
        j["layers"].push_back(l.to_json());
    }
    std::string text = j.dump();
    return {content.put(text), std::string(media_type::kOciManifest)};
}

void save(Sink& sink, ContentStore& content, ImageStore& images, const std::vector<std::string>& names,
          SaveFormat format) {
    std::set<std::string> written;
    auto blob = [&](const Digest& d) {
        if (written.insert(d.str()).second) sink.blob(content, d);
    };
    Json index = {{"schemaVersion", 2}, {"mediaType", media_type::kOciIndex}, {"manifests", Json::array()}};
    Json manifest_json = Json::array();
    Json repositories = Json::object();
    for (const Selected& s : select(images, names)) {
        auto rec = images.get_image(s.id);
        if (!rec) throw Error(Errc::not_found, "No such image: " + s.id.str());
        auto [mdigest, mtype] = manifest_for(content, *rec, format);
        std::string mtext = content.read_blob(mdigest);
        Manifest m = parse_manifest(mtext, "manifest " + mdigest.str());
        blob(m.config.digest);
        Json layers = Json::array();
        for (const auto& l : m.layers) {
            blob(l.digest);
            layers.push_back("blobs/" + l.digest.algorithm() + "/" + l.digest.hex());
        }
        blob(mdigest);
        Json tags = Json::array();
        Descriptor d;
        d.media_type = mtype;
        d.digest = mdigest;
        d.size = static_cast<int64_t>(mtext.size());
        if (s.tags.empty()) index["manifests"].push_back(d.to_json());
        for (const Reference& tag : s.tags) {
            Descriptor named = d;
            named.annotations["io.containerd.image.name"] = tag.str();
            named.annotations["org.opencontainers.image.ref.name"] = tag.tag();
            index["manifests"].push_back(named.to_json());
            tags.push_back(tag.familiar_string());
            if (!m.layers.empty()) repositories[tag.familiar_name()][tag.tag()] = m.layers.back().digest.hex();
        }
        manifest_json.push_back({{"Config", "blobs/" + m.config.digest.algorithm() + "/" + m.config.digest.hex()},
                                 {"RepoTags", tags.empty() ? Json(nullptr) : tags},
                                 {"Layers", layers}});
    }
    sink.file("index.json", index.dump());
    if (format == SaveFormat::docker) {
        sink.file("manifest.json", manifest_json.dump());
        if (!repositories.empty()) sink.file("repositories", repositories.dump());
    }
    sink.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
}

}  // namespace

void save_archive(int fd, ContentStore& content, ImageStore& images, const std::vector<std::string>& names,
                  SaveFormat format) {
    TarSink sink(fd);
    save(sink, content, images, names, format);
    sink.finish();
}

void save_layout_dir(const std::string& dir, ContentStore& content, ImageStore& images,
                     const std::vector<std::string>& names, SaveFormat format) {
    DirSink sink(dir);
    save(sink, content, images, names, format);
}

}  // namespace berth::image
