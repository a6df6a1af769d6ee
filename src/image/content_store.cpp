#include "image/content_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/directory_size.hpp"
#include "common/error.hpp"
#include "common/file_util.hpp"
#include "image/gc.hpp"

namespace berth::image {

namespace {

constexpr size_t kChunk = 1 << 16;

void write_all(int fd, const void* data, size_t size, const std::string& what) {
    auto* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t n = ::write(fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("write " + what);
        }
        p += n;
        size -= static_cast<size_t>(n);
    }
}

// Feeds the whole file behind `fd` from offset 0 into `h`; returns the byte count.
uint64_t hash_fd(int fd, Hasher& h, const std::string& what) {
    std::string buf(kChunk, '\0');
    uint64_t total = 0;
    off_t pos = 0;
    for (;;) {
        ssize_t n = ::pread(fd, buf.data(), buf.size(), pos);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("read " + what);
        }
        if (n == 0) break;
        h.update(buf.data(), static_cast<size_t>(n));
        pos += n;
        total += static_cast<uint64_t>(n);
    }
    return total;
}

void fsync_dir(const std::string& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd) ::fsync(fd.get());
}

std::string expectation(const Digest& d, std::optional<uint64_t> size) {
    return (d.empty() ? std::string("-") : d.str()) + " " +
           (size ? std::to_string(*size) : std::string("-"));
}

// Removes the files of an ingest dir and the dir itself. The lock file goes last so a
// waiting writer that then takes the lock sees it unlinked and starts over.
void remove_ingest_dir(const std::string& dir) {
    for (const char* f : {"data", "expected", "ref", "lock"}) ::unlink((dir + "/" + f).c_str());
    ::rmdir(dir.c_str());
}

}  // namespace

// ---- ContentWriter

void abort_quietly(ContentWriter& w) noexcept {
    try {
        w.abort();
    } catch (...) {
    }
}

struct ContentWriter::State {
    ContentStore* store = nullptr;
    std::string ref;
    std::string dir;
    UniqueFd lock;
    UniqueFd data;
    std::unique_ptr<Hasher> hasher;
    std::string algorithm = "sha256";
    Digest expected;
    std::optional<uint64_t> expected_size;
    uint64_t offset = 0;
    bool exists = false;
    bool finished = false;
    std::optional<Digest> sealed;  // verified by seal(), not yet durable
};

ContentWriter::ContentWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
ContentWriter::ContentWriter(ContentWriter&&) noexcept = default;
ContentWriter& ContentWriter::operator=(ContentWriter&&) noexcept = default;
ContentWriter::~ContentWriter() = default;  // fds close; data stays for a resume

uint64_t ContentWriter::offset() const {
    return state_->offset;
}
bool ContentWriter::already_exists() const {
    return state_->exists;
}

void ContentWriter::write(const void* data, size_t size) {
    auto& s = *state_;
    if (s.finished || s.sealed)
        throw Error(Errc::internal, "content writer for " + s.ref + " already finished");
    if (s.expected_size && s.offset + size > *s.expected_size) {
        uint64_t got = s.offset + size;
        abort();
        throw Error(Errc::invalid_argument, "ingest " + s.ref + ": size mismatch: expected " +
                                                std::to_string(*s.expected_size) +
                                                " bytes, got at least " + std::to_string(got));
    }
    s.offset += size;
    if (s.exists) return;
    write_all(s.data.get(), data, size, s.dir + "/data");
    s.hasher->update(data, size);
}

void ContentWriter::truncate() {
    auto& s = *state_;
    s.offset = 0;
    if (s.exists || s.finished) return;
    if (::ftruncate(s.data.get(), 0) != 0) throw_errno("truncate " + s.dir + "/data");
    ::lseek(s.data.get(), 0, SEEK_SET);
    s.hasher = std::make_unique<Hasher>(s.algorithm);
}

void ContentWriter::abort() {
    auto& s = *state_;
    if (s.finished) return;
    s.finished = true;
    s.data.reset();
    if (!s.exists) remove_ingest_dir(s.dir);
    s.lock.reset();
}

Digest ContentWriter::seal(Lease* lease) {
    auto& s = *state_;
    if (s.sealed) return *s.sealed;
    if (s.finished)
        throw Error(Errc::internal, "content writer for " + s.ref + " already finished");
    if (s.exists) {
        // Lease first, then look: if GC removed the blob between open and now, say so
        // rather than hand out a digest that is not there.
        if (lease) lease->add(s.expected);
        s.finished = true;
        if (!s.store->exists(s.expected)) {
            throw Error(Errc::unavailable, "blob " + s.expected.str() +
                                               " was removed during ingest " + s.ref + "; retry");
        }
        s.sealed = s.expected;
        return s.expected;
    }
    if (s.expected_size && s.offset != *s.expected_size) {
        uint64_t got = s.offset;
        abort();
        throw Error(Errc::invalid_argument, "ingest " + s.ref + ": size mismatch: expected " +
                                                std::to_string(*s.expected_size) + " bytes, got " +
                                                std::to_string(got));
    }
    Digest actual = s.hasher->finish();
    if (!s.expected.empty() && actual != s.expected) {
        abort();
        throw Error(Errc::invalid_argument, "ingest " + s.ref + ": digest mismatch: expected " +
                                                s.expected.str() + ", content hashes to " +
                                                actual.str());
    }
    if (lease) lease->add(actual);
    s.sealed = actual;
    return actual;
}

Digest ContentWriter::commit(Lease* lease) {
    auto& s = *state_;
    Digest actual = seal(lease);
    if (s.finished) return actual;  // it was there already
    if (::fsync(s.data.get()) != 0) throw_errno("fsync " + s.dir + "/data");
    ::fchmod(s.data.get(), 0444);
    std::string target = s.store->blob_path(actual);
    std::string parent = target.substr(0, target.rfind('/'));
    mkdir_all(parent);
    // Another ref may have committed the same content meanwhile; identical bytes, so
    // either copy is fine and rename simply replaces it atomically.
    if (::rename((s.dir + "/data").c_str(), target.c_str()) != 0)
        throw_errno("commit blob " + target);
    fsync_dir(parent);
    s.finished = true;
    s.data.reset();
    remove_ingest_dir(s.dir);
    s.lock.reset();
    return actual;
}

// ---- ContentStore

ContentStore::ContentStore(std::string root)
    : root_(std::move(root) + "/content"), blobs_(root_ + "/blobs"), ingest_(root_ + "/ingest") {
    mkdir_all(blobs_ + "/sha256");
    mkdir_all(ingest_, 0700);
}

std::string ContentStore::blob_path(const Digest& d) const {
    if (d.empty()) throw Error(Errc::invalid_argument, "empty digest");
    return blobs_ + "/" + d.algorithm() + "/" + d.hex();
}

ContentWriter ContentStore::open_writer(const std::string& ref, const Digest& expected,
                                        std::optional<uint64_t> expected_size) {
    if (ref.empty()) throw Error(Errc::invalid_argument, "ingest ref must not be empty");
    auto s = std::make_unique<ContentWriter::State>();
    s->store = this;
    s->ref = ref;
    s->expected = expected;
    s->expected_size = expected_size;
    if (!expected.empty()) s->algorithm = expected.algorithm();
    // Refs are arbitrary text (often a digest with a prefix); the directory is named by a
    // hash of it so any ref is a safe file name.
    s->dir = ingest_ + "/" + Digest::sha256_of(ref).hex();

    auto found = [&] {
        if (expected.empty() || !exists(expected)) return false;
        return !expected_size || info(expected).size == *expected_size;
    };
    if (found()) {
        s->exists = true;
        return ContentWriter(std::move(s));
    }
    // Take the ref's lock. A writer that committed or aborted meanwhile unlinks the lock file,
    // so after flock() check we hold the file that is still at the path, else start over.
    for (;;) {
        mkdir_all(s->dir, 0700);
        std::string lock_path = s->dir + "/lock";
        UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!lock) {
            if (errno == ENOENT) continue;  // dir removed under us
            throw_errno("open " + lock_path);
        }
        while (::flock(lock.get(), LOCK_EX) != 0) {
            if (errno != EINTR) throw_errno("lock " + lock_path);
        }
        struct stat held {
        }, at_path{};
        if (::fstat(lock.get(), &held) != 0) throw_errno("stat " + lock_path);
        if (::stat(lock_path.c_str(), &at_path) != 0 || held.st_ino != at_path.st_ino ||
            held.st_dev != at_path.st_dev) {
            continue;
        }
        s->lock = std::move(lock);
        break;
    }
    if (found()) {  // the writer we waited for committed it
        s->exists = true;
        s->lock.reset();
        return ContentWriter(std::move(s));
    }

    std::string data_path = s->dir + "/data";
    std::string want = expectation(expected, expected_size);
    auto had = read_file_if_exists(s->dir + "/expected");
    s->data = UniqueFd(::open(data_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!s->data) throw_errno("open " + data_path);
    s->hasher = std::make_unique<Hasher>(s->algorithm);
    if (had && *had == want) {
        // Resume: the partial data is only trusted as far as its hash goes, so re-hash it.
        s->offset = hash_fd(s->data.get(), *s->hasher, data_path);
        if (expected_size && s->offset > *expected_size) {
            ContentWriter w(std::move(s));
            w.truncate();
            return w;
        }
    } else {
        if (::ftruncate(s->data.get(), 0) != 0) throw_errno("truncate " + data_path);
        // No fsync: after a crash a lost or empty "expected" only means starting over, and
        // resumed data is re-hashed before it is trusted.
        write_file_atomic(s->dir + "/expected", want, 0600, Durability::none);
        write_file_atomic(s->dir + "/ref", ref, 0600, Durability::none);
    }
    ::lseek(s->data.get(), 0, SEEK_END);
    return ContentWriter(std::move(s));
}

Digest ContentStore::put(std::string_view data, Lease* lease) {
    Digest d = Digest::sha256_of(data);
    auto w = open_writer("put-" + d.str(), d, data.size());
    if (!w.already_exists()) {
        w.truncate();  // a stale partial put is cheaper to redo than to trust
        w.write(data);
    }
    return w.commit(lease);
}

bool ContentStore::exists(const Digest& d) const {
    struct stat st {};
    return ::stat(blob_path(d).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

BlobInfo ContentStore::info(const Digest& d) const {
    struct stat st {};
    if (::stat(blob_path(d).c_str(), &st) != 0) {
        if (errno == ENOENT) throw Error(Errc::not_found, "blob " + d.str() + " not found");
        throw_errno("stat blob " + d.str());
    }
    return BlobInfo{d, static_cast<uint64_t>(st.st_size)};
}

UniqueFd ContentStore::open_blob(const Digest& d, std::optional<uint64_t> expected_size) const {
    std::string path = blob_path(d);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw Error(Errc::not_found, "blob " + d.str() + " not found");
        throw_errno("open blob " + path);
    }
    if (expected_size) {
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) throw_errno("stat blob " + path);
        if (static_cast<uint64_t>(st.st_size) != *expected_size) {
            throw Error(Errc::invalid_argument,
                        "blob " + d.str() + " has " + std::to_string(st.st_size) +
                            " bytes, expected " + std::to_string(*expected_size));
        }
    }
    return fd;
}

std::string ContentStore::read_blob(const Digest& d, uint64_t max_size) const {
    UniqueFd fd = open_blob(d);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno("stat blob " + d.str());
    if (static_cast<uint64_t>(st.st_size) > max_size) {
        throw Error(Errc::invalid_argument,
                    "blob " + d.str() + " is " + std::to_string(st.st_size) +
                        " bytes, more than the " + std::to_string(max_size) +
                        " allowed for a manifest or config");
    }
    std::string out(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::pread(fd.get(), out.data() + got, out.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("read blob " + d.str());
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out.resize(got);
    Hasher h(d.algorithm());
    h.update(out);
    Digest actual = h.finish();
    if (actual != d) {
        throw Error(Errc::invalid_argument,
                    "blob " + d.str() + " is corrupt: content hashes to " + actual.str());
    }
    return out;
}

void ContentStore::verify(const Digest& d) const {
    UniqueFd fd = open_blob(d);
    Hasher h(d.algorithm());
    hash_fd(fd.get(), h, blob_path(d));
    Digest actual = h.finish();
    if (actual != d) {
        throw Error(Errc::invalid_argument,
                    "blob " + d.str() + " is corrupt: content hashes to " + actual.str());
    }
}

bool ContentStore::remove(const Digest& d) {
    if (::unlink(blob_path(d).c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    throw_errno("remove blob " + d.str());
}

std::vector<BlobInfo> ContentStore::list() const {
    std::vector<BlobInfo> out;
    for (const char* alg : {"sha256", "sha512"}) {
        std::string dir = blobs_ + "/" + alg;
        DIR* d = ::opendir(dir.c_str());
        if (!d) continue;
        while (auto* e = ::readdir(d)) {
            std::string name = e->d_name;
            if (name == "." || name == "..") continue;
            try {
                Digest dg = Digest::parse(std::string(alg) + ":" + name);
                struct stat st {};
                if (::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
                    out.push_back(BlobInfo{dg, static_cast<uint64_t>(st.st_size)});
                }
            } catch (const Error&) {
                // Not a blob name (editor leftovers, temp files): not ours to list.
            }
        }
        ::closedir(d);
    }
    return out;
}

std::vector<std::string> ContentStore::list_ingests() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(ingest_.c_str());
    if (!d) return out;
    while (auto* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (auto ref = read_file_if_exists(ingest_ + "/" + name + "/ref")) out.push_back(*ref);
    }
    ::closedir(d);
    return out;
}

void ContentStore::abort_ingest(const std::string& ref) {
    std::string dir = ingest_ + "/" + Digest::sha256_of(ref).hex();
    if (!path_exists(dir)) return;
    UniqueFd lock(::open((dir + "/lock").c_str(), O_RDWR | O_CLOEXEC));
    if (lock) ::flock(lock.get(), LOCK_EX);  // wait out an active writer
    remove_ingest_dir(dir);
}

std::pair<size_t, uint64_t> ContentStore::clear_ingests() {
    size_t count = 0;
    uint64_t bytes = 0;
    DIR* d = ::opendir(ingest_.c_str());
    if (!d) return {0, 0};
    std::vector<std::string> names;
    while (auto* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(d);
    for (const auto& name : names) {
        std::string dir = ingest_ + "/" + name;
        bytes += static_cast<uint64_t>(directory_size(dir));
        remove_all(dir);
        ++count;
    }
    return {count, bytes};
}

uint64_t ContentStore::disk_usage() const {
    return static_cast<uint64_t>(directory_size(blobs_) + directory_size(ingest_));
}

}  // namespace berth::image
