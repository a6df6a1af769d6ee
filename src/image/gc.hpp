#pragma once
// Garbage collection of content blobs and unpacked layers, and the leases that protect
// work in progress from it.
//
// An import (pull, load, build, commit) takes a Lease first and adds every blob and layer
// it writes to it before that blob or layer becomes visible (ContentWriter::commit(&lease)
// does this for blobs). Once the import's records are in the database it drops the lease.
// GC holds the lease registry's lock from reading the database until the sweep ends, so
// anything an import wrote is either referenced in what GC read or still leased.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "image/digest.hpp"

namespace berth::image {

class ContentStore;
class ImageStore;
class LeaseManager;

class Lease {
public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();  // releases

    void add(const Digest& blob_or_layer);
    void release();
    const std::string& name() const { return name_; }

private:
    friend class LeaseManager;
    Lease(LeaseManager* manager, uint64_t id, std::string name) : manager_(manager), id_(id), name_(std::move(name)) {}
    LeaseManager* manager_ = nullptr;
    uint64_t id_ = 0;
    std::string name_;
};

// In-memory lease registry, one per daemon (leases do not outlive the process: after a
// crash the half-done import is simply garbage).
class LeaseManager {
public:
    Lease acquire(std::string name);
    bool is_leased(const Digest& d) const;
    size_t active() const;

    // GC holds this for its whole mark and sweep; Lease::add and release wait meanwhile.
    std::unique_lock<std::mutex> lock_for_gc() const { return std::unique_lock(mutex_); }
    // Like is_leased, for a caller holding lock_for_gc().
    bool is_leased_locked(const Digest& d) const;

private:
    friend class Lease;
    void add(uint64_t id, const Digest& d);
    void release(uint64_t id);
    mutable std::mutex mutex_;
    uint64_t next_id_ = 1;
    std::map<uint64_t, std::set<std::string>> leases_;  // id -> digest strings
};

struct GcOptions {
    // Removes layers/<chain-id>/ (the storage engine owns that directory). Called before the
    // layer's record is deleted; if it throws, the record stays and GC goes on.
    std::function<void(const Digest& chain_id)> remove_layer_dir;
    bool dry_run = false;
};

struct GcResult {
    std::vector<Digest> removed_blobs;
    std::vector<Digest> removed_layers;
    uint64_t reclaimed_bytes = 0;  // blobs only; layer dirs are measured by their owner
    std::vector<std::string> errors;
};

// Mark (blobs images reference, layers with refcount > 0) and sweep (everything else that
// is not leased).
GcResult collect_garbage(ContentStore& content, ImageStore& images, LeaseManager& leases,
                         const GcOptions& options = {});

}  // namespace berth::image
