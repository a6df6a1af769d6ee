#include "registry/push_form.hpp"

#include <unistd.h>
#include <zlib.h>

#include <vector>

#include "common/error.hpp"
#include "image/media_types.hpp"

namespace berth::registry {

image::Digest gzip_blob(image::ContentStore& content, const image::Digest& plain, image::Lease* lease) {
    UniqueFd in = content.open_blob(plain);
    image::ContentWriter w = content.open_writer("gzip-" + plain.str());
    w.truncate();  // a compression cut short leaves nothing worth resuming
    z_stream zs{};
    // 31: a gzip wrapper with a zero mtime and no name, so the output depends on the input only.
    if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error(Errc::internal, "gzip of " + plain.str() + ": deflateInit2 failed");
    std::vector<unsigned char> src(1u << 20), dst(1u << 20);
    try {
        int flush = Z_NO_FLUSH;
        do {
            ssize_t n = ::read(in.get(), src.data(), src.size());
            if (n < 0) throw_errno("read blob " + plain.str());
            flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
            zs.next_in = src.data();
            zs.avail_in = static_cast<uInt>(n);
            do {
                zs.next_out = dst.data();
                zs.avail_out = static_cast<uInt>(dst.size());
                deflate(&zs, flush);
                w.write(dst.data(), dst.size() - zs.avail_out);
            } while (zs.avail_out == 0);
        } while (flush != Z_FINISH);
        deflateEnd(&zs);
        return w.commit(lease);
    } catch (...) {
        deflateEnd(&zs);
        abort_quietly(w);
        throw;
    }
}

PushForm push_form(image::ContentStore& content, image::ImageStore& images,
                   RegistryRecords* records, image::LeaseManager* leases,
                   const image::ImageRecord& record) {
    if (!record.manifest)
        throw Error(Errc::internal, "image " + record.id.str() + " has no manifest to push");
    PushForm form;
    form.manifest_digest = *record.manifest;
    form.manifest_bytes = content.read_blob(form.manifest_digest);
    form.manifest = image::parse_manifest(form.manifest_bytes, "manifest " + form.manifest_digest.str());
    bool plain = false;
    for (const auto& l : form.manifest.layers)
        plain = plain || image::media_type::layer_compression(l.media_type) == image::media_type::Compression::none;
    if (!plain) return form;

    std::optional<image::Lease> lease;
    if (leases) lease.emplace(leases->acquire("push " + record.id.str()));
    image::Lease* lp = lease ? &*lease : nullptr;
    Json doc = Json::parse(form.manifest_bytes);
    image::ImageRecord keep;
    keep.id = record.id;
    for (size_t i = 0; i < form.manifest.layers.size(); ++i) {
        image::Descriptor& l = form.manifest.layers[i];
        if (image::media_type::layer_compression(l.media_type) != image::media_type::Compression::none ||
            image::media_type::is_foreign_layer(l.media_type))
            continue;
        std::optional<RegistryRecords::Compressed> gz = records ? records->gzip_of(l.digest) : std::nullopt;
        if (!gz || !content.exists(gz->digest)) {
            image::Digest d = gzip_blob(content, l.digest, lp);
            gz = RegistryRecords::Compressed{d, static_cast<int64_t>(content.info(d).size)};
            if (records) records->remember_gzip(l.digest, *gz);
        } else if (lp) {
            lp->add(gz->digest);
        }
        l.media_type = image::media_type::layer_media_type(image::media_type::Compression::gzip,
                                                           form.manifest.docker);
        l.digest = gz->digest;
        l.size = gz->size;
        Json& entry = doc["layers"][i];
        entry["mediaType"] = l.media_type;
        entry["digest"] = l.digest.str();
        entry["size"] = l.size;
        keep.blobs.push_back({l.digest, l.media_type, l.size});
    }
    form.manifest_bytes = doc.dump();
    form.manifest_digest = content.put(form.manifest_bytes, lp);
    // The gzip layers and their manifest become the image's blobs: GC keeps them, rmi drops them.
    keep.manifest = form.manifest_digest;
    images.add_image(keep, {});
    return form;
}

}  // namespace berth::registry
