#include "registry/registry_records.hpp"

namespace berth::registry {

namespace {
const std::vector<state::Migration> kMigrations = {
    "CREATE TABLE blob_sources (digest TEXT NOT NULL, host TEXT NOT NULL, repo TEXT NOT NULL, "
    "PRIMARY KEY (digest, host, repo))",
    "CREATE TABLE compressed_layers (plain TEXT PRIMARY KEY, gzip TEXT NOT NULL, size INTEGER NOT NULL)",
};
}  // namespace

RegistryRecords::RegistryRecords(state::Database& db) : db_(db) { db_.migrate("registry", kMigrations); }

void RegistryRecords::add(const image::Digest& blob, const std::string& host, const std::string& repo) {
    state::Transaction tx(db_);
    auto st = db_.prepare("INSERT OR IGNORE INTO blob_sources (digest, host, repo) VALUES (?, ?, ?)");
    st.bind(1, blob.str()).bind(2, host).bind(3, repo);
    st.run();
    tx.commit();
}

std::optional<std::string> RegistryRecords::find(const image::Digest& blob, const std::string& host,
                                             const std::string& except) {
    state::Transaction tx(db_, state::Transaction::Mode::deferred);
    auto st = db_.prepare(
        "SELECT repo FROM blob_sources WHERE digest = ? AND host = ? AND repo != ? LIMIT 1");
    st.bind(1, blob.str()).bind(2, host).bind(3, except);
    if (st.step()) return st.column_text(0);
    return std::nullopt;
}

void RegistryRecords::remember_gzip(const image::Digest& plain, const Compressed& gzip) {
    state::Transaction tx(db_);
    auto st = db_.prepare("INSERT OR REPLACE INTO compressed_layers (plain, gzip, size) VALUES (?, ?, ?)");
    st.bind(1, plain.str()).bind(2, gzip.digest.str()).bind(3, gzip.size);
    st.run();
    tx.commit();
}

std::optional<RegistryRecords::Compressed> RegistryRecords::gzip_of(const image::Digest& plain) {
    state::Transaction tx(db_, state::Transaction::Mode::deferred);
    auto st = db_.prepare("SELECT gzip, size FROM compressed_layers WHERE plain = ?");
    st.bind(1, plain.str());
    if (!st.step()) return std::nullopt;
    return Compressed{image::Digest::parse(st.column_text(0)), st.column_int(1)};
}

}  // namespace berth::registry
