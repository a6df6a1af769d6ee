#include "image/gc.hpp"

#include "common/error.hpp"
#include "image/content_store.hpp"
#include "image/image_store.hpp"

namespace berth::image {

// ---- Lease

Lease::Lease(Lease&& o) noexcept
    : manager_(std::exchange(o.manager_, nullptr)), id_(o.id_), name_(std::move(o.name_)) {}

Lease& Lease::operator=(Lease&& o) noexcept {
    if (this != &o) {
        release();
        manager_ = std::exchange(o.manager_, nullptr);
        id_ = o.id_;
        name_ = std::move(o.name_);
    }
    return *this;
}

Lease::~Lease() { release(); }

void Lease::add(const Digest& d) {
    if (!manager_) throw Error(Errc::internal, "lease " + name_ + " already released");
    manager_->add(id_, d);
}

void Lease::release() {
    if (manager_) std::exchange(manager_, nullptr)->release(id_);
}

// ---- LeaseManager

Lease LeaseManager::acquire(std::string name) {
    std::lock_guard lock(mutex_);
    uint64_t id = next_id_++;
    leases_[id];
    return Lease(this, id, std::move(name));
}

void LeaseManager::add(uint64_t id, const Digest& d) {
    std::lock_guard lock(mutex_);
    leases_[id].insert(d.str());
}

void LeaseManager::release(uint64_t id) {
    std::lock_guard lock(mutex_);
    leases_.erase(id);
}

bool LeaseManager::is_leased_locked(const Digest& d) const {
    std::string key = d.str();
    for (const auto& [id, set] : leases_) {
        if (set.count(key)) return true;
    }
    return false;
}

bool LeaseManager::is_leased(const Digest& d) const {
    std::lock_guard lock(mutex_);
    return is_leased_locked(d);
}

size_t LeaseManager::active() const {
    std::lock_guard lock(mutex_);
    return leases_.size();
}

// ---- collect_garbage

GcResult collect_garbage(ContentStore& content, ImageStore& images, LeaseManager& leases,
                         const GcOptions& options) {
    GcResult result;
    auto hold = leases.lock_for_gc();

    // Layers first: a layer record going away never makes a blob referenced, but a layer dir
    // must go before its record so a failed removal can be retried by the next GC.
    for (const Digest& chain : images.unreferenced_layers()) {
        if (leases.is_leased_locked(chain)) continue;
        if (options.dry_run) {
            result.removed_layers.push_back(chain);
            continue;
        }
        try {
            if (options.remove_layer_dir) options.remove_layer_dir(chain);
            images.delete_layer(chain);
            result.removed_layers.push_back(chain);
        } catch (const std::exception& e) {
            result.errors.push_back("layer " + chain.str() + ": " + e.what());
        }
    }

    std::set<std::string> referenced;
    for (const Digest& d : images.referenced_blobs()) referenced.insert(d.str());
    for (const BlobInfo& blob : content.list()) {
        if (referenced.count(blob.digest.str()) || leases.is_leased_locked(blob.digest)) continue;
        if (options.dry_run) {
            result.removed_blobs.push_back(blob.digest);
            result.reclaimed_bytes += blob.size;
            continue;
        }
        try {
            if (content.remove(blob.digest)) {
                result.removed_blobs.push_back(blob.digest);
                result.reclaimed_bytes += blob.size;
            }
        } catch (const std::exception& e) {
            result.errors.push_back("blob " + blob.digest.str() + ": " + e.what());
        }
    }
    return result;
}

}  // namespace berth::image
