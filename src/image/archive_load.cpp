#include "image/archive_load.hpp"
#include "image/libarchive_api.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "common/unique_fd.hpp"
#include "image/blob_committer.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/media_types.hpp"
#include "image/reference.hpp"
#include "image/tar_path.hpp"
#include "image/tar_stream.hpp"

namespace berth::image {

namespace {

constexpr uint64_t kMaxMetadata = 16u << 20;
// Blobs at least this large are made durable on the committer thread; smaller ones (configs,
// manifests) are committed at once.
constexpr uint64_t kAsyncCommit = 1u << 20;
constexpr const char* kRefName = "org.opencontainers.image.ref.name";
constexpr const char* kContainerdName = "io.containerd.image.name";

bool is_metadata(const std::string& name) {
    return name == "manifest.json" || name == "repositories" || name == "index.json" ||
           name == "oci-layout";
}

// "blobs/sha256/<hex>" -> its digest, when the name says so.
std::optional<Digest> digest_from_path(const std::string& path) {
    if (!path.starts_with("blobs/")) return std::nullopt;
    std::string rest = path.substr(6);
    size_t slash = rest.find('/');
    if (slash == std::string::npos) return std::nullopt;
    try {
        return Digest::parse(rest.substr(0, slash) + ":" + rest.substr(slash + 1));
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::string normalize(const std::string& name) {
    return join_path(split_entry_path(name), SIZE_MAX);
}

// Lexical clean for symlink targets inside the archive ("<id>/layer.tar -> ../<id2>/layer.tar").
std::string clean_link(const std::string& dir, const std::string& target) {
    std::vector<std::string> out;
    std::string all = target.starts_with("/") ? target : dir + target;
    size_t pos = 0;
    while (pos <= all.size()) {
        size_t slash = all.find('/', pos);
        if (slash == std::string::npos) slash = all.size();
        std::string comp = all.substr(pos, slash - pos);
        if (comp == "..") {
            if (out.empty())
                throw Error(Errc::invalid_argument,
                            "image archive: link to " + target + " leaves the archive");
            out.pop_back();
        } else if (!comp.empty() && comp != ".") {
            out.push_back(comp);
        }
        pos = slash + 1;
    }
    return join_path(out, SIZE_MAX);
}

// What a format reader found: the metadata files and a way to reach blobs.
struct Source {
    std::map<std::string, std::string> metadata;
    std::function<BlobInfo(const std::string& path)> blob_at;  // archive path -> committed blob
    std::function<void(const Digest&)> ensure;                 // blob by digest -> committed
    std::map<std::string, std::string> layer_types;  // digest -> media type sniffed at ingest
    BlobReadyFn ready;                               // blob -> durable (when committed late)
};

std::vector<std::string> oci_tags(const Descriptor& d, const LoadOptions& options) {
    if (auto it = d.annotations.find(kContainerdName); it != d.annotations.end())
        return {it->second};
    auto it = d.annotations.find(kRefName);
    if (it == d.annotations.end() || it->second.empty()) return {};
    const std::string& name = it->second;
    if (name.find('/') != std::string::npos || name.find(':') != std::string::npos) {
        try {
            Reference::parse(name);
            return {name};
        } catch (const Error&) {
        }
    }
    if (options.default_name.empty()) return {};
    Reference::validate_tag(name);
    return {options.default_name + ":" + name};
}

// The manifest an OCI index entry leads to (through a nested index, for this platform).
Descriptor manifest_for(ContentStore& content, Source& src, Descriptor d,
                        const LoadOptions& options) {
    for (int depth = 0; media_type::is_index(d.media_type); ++depth) {
        if (depth > 4) throw Error(Errc::invalid_argument, "image index nesting is too deep");
        src.ensure(d.digest);
        Index index = parse_index(content.read_blob(d.digest), "index " + d.digest.str());
        Descriptor chosen = select_platform(index.manifests, options.platform);
        // The outer entry's name annotations describe the image, keep them.
        for (const auto& [k, v] : d.annotations) chosen.annotations.emplace(k, v);
        d = std::move(chosen);
    }
    return d;
}

LoadResult interpret(Source& src, const ArchiveTargets& targets, const LoadOptions& options,
                     Lease* lease) {
    ContentStore& content = targets.content;
    std::vector<NewImage> images;
    std::map<std::string, Digest>
        manifest_by_config;  // from index.json, to keep original manifests
    if (auto it = src.metadata.find("index.json"); it != src.metadata.end()) {
        Index index = parse_index(it->second, "index.json");
        for (const auto& entry : index.manifests) {
            Descriptor d = manifest_for(content, src, entry, options);
            if (!media_type::is_manifest(d.media_type)) continue;  // attestations and the like
            src.ensure(d.digest);
            Manifest m = parse_manifest(content.read_blob(d.digest), "manifest " + d.digest.str());
            if (src.metadata.count("manifest.json")) {
                manifest_by_config.emplace(m.config.digest.str(), d.digest);
                continue;
            }
            NewImage image;
            src.ensure(m.config.digest);
            image.config = m.config.digest;
            image.manifest = d.digest;
            for (const auto& l : m.layers) {
                src.ensure(l.digest);
                image.layers.push_back(l);
            }
            image.tags = oci_tags(d, options);
            images.push_back(std::move(image));
        }
    }
    if (auto it = src.metadata.find("manifest.json"); it != src.metadata.end()) {
        Json doc = parse_json(it->second, "manifest.json");
        JsonReader r(doc, "manifest.json");
        r.require_array();
        for (const auto& entry : r.elements()) {
            NewImage image;
            image.config = src.blob_at(normalize(entry.at("Config").as_string())).digest;
            for (const auto& path : entry.string_list("Layers")) {
                BlobInfo blob = src.blob_at(normalize(path));
                Descriptor d;
                d.digest = blob.digest;
                d.size = static_cast<int64_t>(blob.size);
                auto sniffed = src.layer_types.find(blob.digest.str());
                if (sniffed != src.layer_types.end()) {
                    d.media_type = sniffed->second;
                } else {
                    src.ensure(blob.digest);
                    d.media_type = sniff_layer_media_type(content, blob.digest);
                }
                image.layers.push_back(std::move(d));
            }
            image.tags = entry.string_list("RepoTags");
            if (auto m = manifest_by_config.find(image.config.str());
                m != manifest_by_config.end()) {
                Manifest parsed = parse_manifest(content.read_blob(m->second));
                bool same = parsed.layers.size() == image.layers.size();
                for (size_t i = 0; same && i < parsed.layers.size(); ++i) {
                    same = parsed.layers[i].digest == image.layers[i].digest;
                }
                if (same) {
                    image.manifest = m->second;
                    image.layers = parsed.layers;
                }
            }
            images.push_back(std::move(image));
        }
    }
    if (!src.metadata.count("manifest.json") && !src.metadata.count("index.json")) {
        throw Error(Errc::invalid_argument,
                    "not an image archive: it has neither manifest.json nor index.json");
    }
    LoadResult result;
    for (const auto& image : images) {
        Digest id = register_image(targets, image, lease, src.ready);
        result.images.push_back(id);
        for (const auto& tag : image.tags)
            result.tags.push_back(Reference::parse(tag).familiar_string());
    }
    return result;
}

std::optional<Lease> take_lease(const ArchiveTargets& targets, const std::string& name) {
    if (!targets.leases) return std::nullopt;
    return targets.leases->acquire(name);
}

}  // namespace

LoadResult load_archive(int fd, const ArchiveTargets& targets, const LoadOptions& options) {
    ContentStore& content = targets.content;
    std::optional<Lease> lease = take_lease(targets, "load");
    Lease* lp = lease ? &*lease : nullptr;
    std::map<std::string, BlobInfo> blobs;
    std::map<std::string, std::string> links;  // entry -> what it points at (normalized)
    Source src;
    BlobCommitter committer;  // after the lease: pending commits finish while it still holds
    TarReader tar(fd, "image archive", false);
    std::vector<char> buf(1 << 20);
    uint64_t counter = 0;
    while (archive_entry* e = tar.next()) {
        std::string name = normalize(libarchive().archive_entry_pathname(e));
        mode_t type = libarchive().archive_entry_filetype(e);
        if (const char* hl = libarchive().archive_entry_hardlink(e)) {
            links[name] = normalize(hl);
            continue;
        }
        if (type == AE_IFLNK) {
            std::string dir =
                name.find('/') == std::string::npos ? "" : name.substr(0, name.rfind('/') + 1);
            links[name] = clean_link(dir, libarchive().archive_entry_symlink(e));
            continue;
        }
        if (type != AE_IFREG) continue;
        auto size = static_cast<uint64_t>(libarchive().archive_entry_size(e));
        if (is_metadata(name)) {
            if (size > kMaxMetadata)
                throw Error(Errc::invalid_argument, "image archive: " + name + " is too large");
            std::string text(size, '\0');
            size_t got = 0;
            while (got < size) {
                size_t n = tar.read(text.data() + got, size - got);
                if (n == 0) break;
                got += n;
            }
            src.metadata[name] = std::move(text);
            continue;
        }
        if (name.ends_with("/json") || name.ends_with("/VERSION")) continue;  // legacy v1 metadata
        std::optional<Digest> expected = digest_from_path(name);
        std::string ref =
            expected ? "load-" + expected->str()
                     : "load-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
        ContentWriter w = content.open_writer(ref, expected ? *expected : Digest(), size);
        std::string head;
        if (!w.already_exists()) {
            if (w.offset() > 0) w.truncate();
            try {
                for (;;) {
                    size_t n = tar.read(buf.data(), buf.size());
                    if (n == 0) break;
                    if (head.size() < 4)
                        head.append(buf.data(), std::min<size_t>(n, 4 - head.size()));
                    w.write(buf.data(), n);
                }
            } catch (...) {
                abort_quietly(w);  // a full disk or a cut archive: its part is only lost space
                throw;
            }
        }
        Digest d = w.seal(lp);
        if (size >= kAsyncCommit && !w.already_exists()) {
            src.layer_types[d.str()] = sniff_layer_media_type(head);
            committer.submit(std::move(w), d);
        } else {
            w.commit(lp);
        }
        blobs[name] = BlobInfo{d, size};
    }
    src.blob_at = [&](const std::string& path) {
        std::string p = path;
        for (int hops = 0; !blobs.count(p) && links.count(p); ++hops) {
            if (hops > 16) break;
            p = links[p];
        }
        auto it = blobs.find(p);
        if (it == blobs.end())
            throw Error(Errc::invalid_argument, "image archive: missing file " + path);
        return it->second;
    };
    src.ensure = [&](const Digest& d) {
        committer.wait(d);
        if (!content.exists(d))
            throw Error(Errc::invalid_argument, "image archive: missing blob " + d.str());
    };
    // Layers unpack (in interpret) while later blobs are still being flushed to disk.
    src.ready = [&](const Digest& d) { committer.wait(d); };
    LoadResult result = interpret(src, targets, options, lp);
    committer.wait_all();
    return result;
}

LoadResult load_oci_layout_dir(const std::string& dir, const ArchiveTargets& targets,
                               const LoadOptions& options) {
    ContentStore& content = targets.content;
    std::optional<Lease> lease = take_lease(targets, "load");
    Lease* lp = lease ? &*lease : nullptr;
    Source src;
    for (const char* name : {"index.json", "oci-layout", "manifest.json", "repositories"}) {
        if (auto text = read_file_if_exists(dir + "/" + name))
            src.metadata[name] = std::move(*text);
    }
    auto ingest = [&](const std::string& path, const Digest& expected) {
        UniqueFd fd(::open((dir + "/" + path).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) throw_errno("open " + dir + "/" + path);
        std::string ref = expected.empty() ? "load-" + std::to_string(::getpid()) + "-" + path
                                           : "load-" + expected.str();
        ContentWriter w = content.open_writer(ref, expected);
        if (!w.already_exists()) {
            if (w.offset() > 0) w.truncate();
            std::vector<char> buf(1 << 20);
            try {
                for (;;) {
                    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
                    if (n < 0) throw_errno("read " + path);
                    if (n == 0) break;
                    w.write(buf.data(), static_cast<size_t>(n));
                }
            } catch (...) {
                abort_quietly(w);
                throw;
            }
        }
        Digest d = w.commit(lp);
        return BlobInfo{d, content.info(d).size};
    };
    src.ensure = [&](const Digest& d) {
        if (!content.exists(d)) ingest("blobs/" + d.algorithm() + "/" + d.hex(), d);
    };
    src.blob_at = [&](const std::string& path) {
        std::vector<std::string> comps = split_entry_path(path);  // refuses ../ and absolute paths
        auto expected = digest_from_path(path);
        return ingest(join_path(comps, SIZE_MAX), expected ? *expected : Digest());
    };
    return interpret(src, targets, options, lp);
}

}  // namespace berth::image
