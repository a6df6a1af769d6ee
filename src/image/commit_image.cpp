#include "image/commit_image.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <exception>
#include <thread>

#include "common/error.hpp"
#include "common/time_format.hpp"
#include "common/unique_fd.hpp"
#include "image/content_store.hpp"
#include "image/gc.hpp"
#include "image/image_store.hpp"
#include "image/layer_diff.hpp"
#include "image/media_types.hpp"

namespace berth::image {

namespace {

struct Diffed {
    Digest diff_id;
    uint64_t size = 0;
    bool empty = false;
};

// The differ writes into a pipe on its own thread while this one streams the pipe into a
// content writer: the layer is hashed and stored in one pass, without a temporary file.
Diffed diff_into_store(ContentStore& content, const CommitImageOptions& o, Lease* lease) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throw_errno("pipe");
    UniqueFd rd(p[0]);
    UniqueFd wr(p[1]);
    std::exception_ptr diff_error;
    DiffResult result;
    std::thread differ([&, out = std::move(wr)]() mutable {
        try {
            DiffOptions d;
            d.lowers = o.lowers;
            d.mount_stubs = o.mount_stubs;
            result = write_layer_diff(o.upper, out.get(), d);
        } catch (...) {
            diff_error = std::current_exception();
        }
        out.reset();  // EOF for the reader
    });
    // Whatever happens below, the differ must see its reader go (EPIPE) and be joined.
    struct Joiner {
        std::thread& t;
        UniqueFd& rd;
        ~Joiner() {
            rd.reset();
            if (t.joinable()) t.join();
        }
    } joiner{differ, rd};

    std::string ref = "commit-" + std::to_string(::getpid()) + "-" + rfc3339_nano_now();
    ContentWriter w = content.open_writer(ref);
    try {
        char buf[1 << 16];
        for (;;) {
            ssize_t n = ::read(rd.get(), buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_errno("read layer diff");
            }
            if (n == 0) break;
            w.write(buf, static_cast<size_t>(n));
        }
        rd.reset();
        differ.join();
        if (diff_error) std::rethrow_exception(diff_error);
        Diffed out{result.diff_id, result.size, result.diff_id == empty_layer_diff_id()};
        if (out.empty) {
            w.abort();  // nothing to keep: Docker adds no layer for an unchanged container
            return out;
        }
        Digest stored = w.commit(lease);
        if (stored != result.diff_id) {
            throw Error(Errc::internal, "layer diff hashed to " + result.diff_id.str() +
                                            " but was stored as " + stored.str());
        }
        return out;
    } catch (...) {
        try {
            w.abort();
        } catch (...) {
        }
        throw;
    }
}

}  // namespace

Digest commit_image(const ArchiveTargets& targets, CommitImageOptions o) {
    ContentStore& content = targets.content;
    NewImage image;
    Json parent_config = nullptr;
    if (o.parent) {
        auto rec = targets.images.get_image(*o.parent);
        if (!rec) throw Error(Errc::not_found, "No such image: " + o.parent->str());
        parent_config = parse_json(content.read_blob(*o.parent), "image config " + o.parent->str());
        if (!rec->manifest) {
            throw Error(Errc::not_found, "image " + o.parent->str() + " has no manifest");
        }
        Manifest m =
            parse_manifest(content.read_blob(*rec->manifest), "manifest " + rec->manifest->str());
        image.layers = m.layers;
        image.parent = o.parent->str();
    }

    std::optional<Lease> lease;
    if (targets.leases) lease = targets.leases->acquire("commit");
    Lease* lp = lease ? &*lease : nullptr;

    Diffed diff = diff_into_store(content, o, lp);
    if (!diff.empty) {
        o.child.diff_id = diff.diff_id;
        Descriptor d;
        d.media_type = media_type::kOciLayer;
        d.digest = diff.diff_id;
        d.size = static_cast<int64_t>(diff.size);
        image.layers.push_back(d);
    } else {
        o.child.diff_id.reset();
    }
    if (o.child.created.empty()) o.child.created = rfc3339_nano_now();
    image.config = content.put(child_image_config(parent_config, o.child).dump(), lp);
    if (!o.tag.empty()) image.tags.push_back(o.tag);
    return register_image(targets, image, lp);
}

}  // namespace berth::image
