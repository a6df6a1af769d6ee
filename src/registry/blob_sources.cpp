#include "registry/blob_sources.hpp"

namespace berth::registry {

namespace {
const std::vector<state::Migration> kMigrations = {
    "CREATE TABLE blob_sources (digest TEXT NOT NULL, host TEXT NOT NULL, repo TEXT NOT NULL, "
    "PRIMARY KEY (digest, host, repo))",
};
}  // namespace

BlobSources::BlobSources(state::Database& db) : db_(db) { db_.migrate("registry", kMigrations); }

void BlobSources::add(const image::Digest& blob, const std::string& host, const std::string& repo) {
    state::Transaction tx(db_);
    auto st = db_.prepare("INSERT OR IGNORE INTO blob_sources (digest, host, repo) VALUES (?, ?, ?)");
    st.bind(1, blob.str()).bind(2, host).bind(3, repo);
    st.run();
    tx.commit();
}

std::optional<std::string> BlobSources::find(const image::Digest& blob, const std::string& host,
                                             const std::string& except) {
    state::Transaction tx(db_, state::Transaction::Mode::deferred);
    auto st = db_.prepare(
        "SELECT repo FROM blob_sources WHERE digest = ? AND host = ? AND repo != ? LIMIT 1");
    st.bind(1, blob.str()).bind(2, host).bind(3, except);
    if (st.step()) return st.column_text(0);
    return std::nullopt;
}

}  // namespace berth::registry
