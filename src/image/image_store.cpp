#include "image/image_store.hpp"

#include <ctime>
#include <set>

#include "common/time_format.hpp"
#include "common/error.hpp"
#include "image/media_types.hpp"

namespace berth::image {

using state::Statement;
using state::Transaction;

namespace {

const std::vector<state::Migration> kMigrations = {
    R"sql(
    CREATE TABLE images (
        id            TEXT PRIMARY KEY,
        manifest      TEXT,
        created       TEXT NOT NULL DEFAULT '',
        size          INTEGER NOT NULL DEFAULT 0,
        parent        TEXT NOT NULL DEFAULT '',
        added         INTEGER NOT NULL,
        last_tag_time TEXT NOT NULL DEFAULT ''
    );
    -- parent is not a foreign key: GC removes children before parents itself, and a
    -- layer can be recorded before the image that explains its parent.
    CREATE TABLE layers (
        chain_id TEXT PRIMARY KEY,
        diff_id  TEXT NOT NULL,
        parent   TEXT,
        size     INTEGER NOT NULL DEFAULT 0,
        refcount INTEGER NOT NULL DEFAULT 0 CHECK (refcount >= 0)
    );
    CREATE INDEX layers_parent ON layers(parent);
    CREATE TABLE image_layers (
        image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        chain_id TEXT NOT NULL REFERENCES layers(chain_id),
        PRIMARY KEY (image_id, position)
    );
    CREATE TABLE image_blobs (
        image_id   TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        digest     TEXT NOT NULL,
        media_type TEXT NOT NULL DEFAULT '',
        size       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (image_id, digest)
    );
    CREATE INDEX image_blobs_digest ON image_blobs(digest);
    CREATE TABLE tags (
        name       TEXT PRIMARY KEY,
        image_id   TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        digest_ref INTEGER NOT NULL DEFAULT 0,
        created    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX tags_image ON tags(image_id);
    )sql",
};

std::optional<Digest> opt_digest(const Statement& st, int col) {
    auto t = st.column_opt_text(col);
    if (!t || t->empty()) return std::nullopt;
    return Digest::parse(*t);
}

LayerRecord read_layer(const Statement& st) {
    // columns: chain_id, diff_id, parent, size, refcount
    return LayerRecord{Digest::parse(st.column_text(0)), Digest::parse(st.column_text(1)), opt_digest(st, 2),
                       st.column_int(3), st.column_int(4)};
}

constexpr const char* kImageColumns = "id, manifest, created, size, parent, added, last_tag_time";

ImageRecord read_image_row(const Statement& st) {
    ImageRecord r;
    r.id = Digest::parse(st.column_text(0));
    r.manifest = opt_digest(st, 1);
    r.created = st.column_text(2);
    r.size = st.column_int(3);
    r.parent = st.column_text(4);
    r.added = st.column_int(5);
    r.last_tag_time = st.column_text(6);
    return r;
}

}  // namespace

ImageStore::ImageStore(state::Database& db) : db_(db) { db_.migrate("images", kMigrations); }

static void load_relations(state::Database& db, ImageRecord& r) {
    auto layers = db.prepare("SELECT chain_id FROM image_layers WHERE image_id = ? ORDER BY position");
    layers.bind(1, r.id.str());
    while (layers.step()) r.layers.push_back(Digest::parse(layers.column_text(0)));
    auto blobs = db.prepare("SELECT digest, media_type, size FROM image_blobs WHERE image_id = ? ORDER BY rowid");
    blobs.bind(1, r.id.str());
    while (blobs.step()) r.blobs.push_back(BlobRef{Digest::parse(blobs.column_text(0)), blobs.column_text(1), blobs.column_int(2)});
}

bool ImageStore::add_image(const ImageRecord& image, const std::vector<LayerRecord>& layers) {
    Transaction tx(db_);
    auto insert_blob = [&](const BlobRef& b) {
        db_.prepare("INSERT OR IGNORE INTO image_blobs (image_id, digest, media_type, size) VALUES (?, ?, ?, ?)")
            .bind(1, image.id.str()).bind(2, b.digest.str()).bind(3, b.media_type).bind(4, b.size).run();
    };
    auto blobs = image.blobs;
    bool has_config = false;
    for (const auto& b : blobs) has_config = has_config || b.digest == image.id;
    if (!has_config) blobs.insert(blobs.begin(), BlobRef{image.id, std::string(media_type::kOciConfig), 0});
    if (image.manifest) blobs.push_back(BlobRef{*image.manifest, "", 0});

    if (get_image(image.id)) {
        // Known image (pulled again, loaded again): keep what was there, add what is new.
        for (const auto& b : blobs) insert_blob(b);
        if (image.manifest) {
            db_.prepare("UPDATE images SET manifest = ? WHERE id = ? AND manifest IS NULL")
                .bind(1, image.manifest->str()).bind(2, image.id.str()).run();
        }
        tx.commit();
        return false;
    }
    for (const auto& l : layers) put_layer(l);
    std::set<std::string> seen;
    for (const auto& chain : image.layers) {
        if (!seen.insert(chain.str()).second) {
            throw Error(Errc::invalid_argument, "image " + image.id.str() + " lists layer " + chain.str() + " twice");
        }
        if (!get_layer(chain)) {
            throw Error(Errc::invalid_argument, "image " + image.id.str() + ": layer " + chain.str() + " is not recorded");
        }
    }
    db_.prepare("INSERT INTO images (id, manifest, created, size, parent, added, last_tag_time) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, image.id.str())
        .bind(2, image.manifest ? std::optional(image.manifest->str()) : std::nullopt)
        .bind(3, image.created).bind(4, image.size).bind(5, image.parent)
        .bind(6, image.added ? image.added : static_cast<int64_t>(time(nullptr)))
        .bind(7, image.last_tag_time).run();
    int pos = 0;
    for (const auto& chain : image.layers) {
        db_.prepare("INSERT INTO image_layers (image_id, position, chain_id) VALUES (?, ?, ?)")
            .bind(1, image.id.str()).bind(2, pos++).bind(3, chain.str()).run();
        db_.prepare("UPDATE layers SET refcount = refcount + 1 WHERE chain_id = ?").bind(1, chain.str()).run();
    }
    for (const auto& b : blobs) insert_blob(b);
    tx.commit();
    return true;
}

std::optional<ImageRecord> ImageStore::get_image(const Digest& id) {
    Transaction tx(db_, Transaction::Mode::deferred);
    auto st = db_.prepare(std::string("SELECT ") + kImageColumns + " FROM images WHERE id = ?");
    st.bind(1, id.str());
    if (!st.step()) return std::nullopt;
    ImageRecord r = read_image_row(st);
    load_relations(db_, r);
    tx.commit();
    return r;
}

std::vector<ImageRecord> ImageStore::list_images() {
    Transaction tx(db_, Transaction::Mode::deferred);
    std::vector<ImageRecord> out;
    auto st = db_.prepare(std::string("SELECT ") + kImageColumns + " FROM images ORDER BY added, id");
    while (st.step()) out.push_back(read_image_row(st));
    for (auto& r : out) load_relations(db_, r);
    tx.commit();
    return out;
}

std::vector<Digest> ImageStore::find_images_by_prefix(const std::string& prefix) {
    for (char c : prefix) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
    }
    Transaction tx(db_, Transaction::Mode::deferred);
    std::vector<Digest> out;
    auto st = db_.prepare("SELECT id FROM images WHERE substr(id, 8, ?) = ?");
    st.bind(1, static_cast<int64_t>(prefix.size())).bind(2, prefix);
    while (st.step()) out.push_back(Digest::parse(st.column_text(0)));
    tx.commit();
    return out;
}

std::vector<Digest> ImageStore::delete_image(const Digest& id) {
    Transaction tx(db_);
    auto image = get_image(id);
    if (!image) throw Error(Errc::not_found, "No such image: " + id.str());
    db_.prepare("DELETE FROM images WHERE id = ?").bind(1, id.str()).run();  // cascades
    std::vector<Digest> freed;
    for (const auto& chain : image->layers) {
        db_.prepare("UPDATE layers SET refcount = refcount - 1 WHERE chain_id = ?").bind(1, chain.str()).run();
        auto l = get_layer(chain);
        if (l && l->refcount == 0) freed.push_back(chain);
    }
    tx.commit();
    return freed;
}

std::vector<Digest> ImageStore::children_of(const Digest& id) {
    Transaction tx(db_, Transaction::Mode::deferred);
    std::vector<Digest> out;
    auto st = db_.prepare("SELECT id FROM images WHERE parent = ?");
    st.bind(1, id.str());
    while (st.step()) out.push_back(Digest::parse(st.column_text(0)));
    tx.commit();
    return out;
}

std::optional<Digest> ImageStore::set_tag(const std::string& name, const Digest& image, bool digest_ref) {
    Transaction tx(db_);
    if (!get_image(image)) throw Error(Errc::not_found, "No such image: " + image.str());
    auto prev = resolve_tag(name);
    std::string now = rfc3339_nano_now();
    db_.prepare("INSERT INTO tags (name, image_id, digest_ref, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET image_id = excluded.image_id, digest_ref = excluded.digest_ref, "
                "created = excluded.created")
        .bind(1, name).bind(2, image.str()).bind(3, digest_ref ? 1 : 0).bind(4, now).run();
    if (!digest_ref) {
        db_.prepare("UPDATE images SET last_tag_time = ? WHERE id = ?").bind(1, now).bind(2, image.str()).run();
    }
    tx.commit();
    if (prev && *prev != image) return prev;
    return std::nullopt;
}

bool ImageStore::remove_tag(const std::string& name) {
    Transaction tx(db_);
    int n = db_.prepare("DELETE FROM tags WHERE name = ?").bind(1, name).run();
    tx.commit();
    return n > 0;
}

std::optional<Digest> ImageStore::resolve_tag(const std::string& name) {
    Transaction tx(db_, Transaction::Mode::deferred);
    auto st = db_.prepare("SELECT image_id FROM tags WHERE name = ?");
    st.bind(1, name);
    std::optional<Digest> out;
    if (st.step()) out = Digest::parse(st.column_text(0));
    tx.commit();
    return out;
}

static std::vector<TagRecord> query_tags(state::Database& db, const std::optional<Digest>& image) {
    Transaction tx(db, Transaction::Mode::deferred);
    auto st = db.prepare(image ? "SELECT name, image_id, digest_ref FROM tags WHERE image_id = ? ORDER BY name"
                               : "SELECT name, image_id, digest_ref FROM tags ORDER BY name");
    if (image) st.bind(1, image->str());
    std::vector<TagRecord> out;
    while (st.step()) out.push_back(TagRecord{st.column_text(0), Digest::parse(st.column_text(1)), st.column_int(2) != 0});
    tx.commit();
    return out;
}

std::vector<TagRecord> ImageStore::tags_of(const Digest& image) { return query_tags(db_, image); }
std::vector<TagRecord> ImageStore::list_tags() { return query_tags(db_, std::nullopt); }

std::optional<LayerRecord> ImageStore::get_layer(const Digest& chain_id) {
    Transaction tx(db_, Transaction::Mode::deferred);
    auto st = db_.prepare("SELECT chain_id, diff_id, parent, size, refcount FROM layers WHERE chain_id = ?");
    st.bind(1, chain_id.str());
    std::optional<LayerRecord> out;
    if (st.step()) out = read_layer(st);
    tx.commit();
    return out;
}

std::vector<LayerRecord> ImageStore::list_layers() {
    Transaction tx(db_, Transaction::Mode::deferred);
    auto st = db_.prepare("SELECT chain_id, diff_id, parent, size, refcount FROM layers ORDER BY chain_id");
    std::vector<LayerRecord> out;
    while (st.step()) out.push_back(read_layer(st));
    tx.commit();
    return out;
}

bool ImageStore::put_layer(const LayerRecord& l) {
    Transaction tx(db_);
    int n = db_.prepare("INSERT OR IGNORE INTO layers (chain_id, diff_id, parent, size, refcount) VALUES (?, ?, ?, ?, 0)")
                .bind(1, l.chain_id.str()).bind(2, l.diff_id.str())
                .bind(3, l.parent ? std::optional(l.parent->str()) : std::nullopt).bind(4, l.size).run();
    tx.commit();
    return n > 0;
}

void ImageStore::retain_layer(const Digest& chain_id) {
    Transaction tx(db_);
    std::optional<Digest> cur = chain_id;
    if (!get_layer(chain_id)) throw Error(Errc::not_found, "layer " + chain_id.str() + " not found");
    while (cur) {
        auto l = get_layer(*cur);
        if (!l) break;
        db_.prepare("UPDATE layers SET refcount = refcount + 1 WHERE chain_id = ?").bind(1, cur->str()).run();
        cur = l->parent;
    }
    tx.commit();
}

std::vector<Digest> ImageStore::release_layer(const Digest& chain_id) {
    Transaction tx(db_);
    std::vector<Digest> freed;
    std::optional<Digest> cur = chain_id;
    while (cur) {
        auto l = get_layer(*cur);
        if (!l) break;
        if (l->refcount == 0) throw Error(Errc::internal, "layer " + cur->str() + " released more often than retained");
        db_.prepare("UPDATE layers SET refcount = refcount - 1 WHERE chain_id = ?").bind(1, cur->str()).run();
        if (l->refcount == 1) freed.push_back(*cur);
        cur = l->parent;
    }
    tx.commit();
    return freed;
}

std::vector<Digest> ImageStore::unreferenced_layers() {
    Transaction tx(db_, Transaction::Mode::deferred);
    // Children before parents, so a sweep can remove them in order.
    auto st = db_.prepare(
        "WITH RECURSIVE depth(chain_id, d) AS ("
        "  SELECT chain_id, 0 FROM layers WHERE parent IS NULL OR parent NOT IN (SELECT chain_id FROM layers)"
        "  UNION ALL SELECT l.chain_id, depth.d + 1 FROM layers l JOIN depth ON l.parent = depth.chain_id)"
        " SELECT l.chain_id FROM layers l LEFT JOIN depth USING (chain_id) WHERE l.refcount = 0"
        " GROUP BY l.chain_id ORDER BY MAX(COALESCE(depth.d, 0)) DESC, l.chain_id");
    std::vector<Digest> out;
    while (st.step()) out.push_back(Digest::parse(st.column_text(0)));
    tx.commit();
    return out;
}

void ImageStore::delete_layer(const Digest& chain_id) {
    Transaction tx(db_);
    auto l = get_layer(chain_id);
    if (!l) return;
    if (l->refcount > 0) {
        throw Error(Errc::conflict, "layer " + chain_id.str() + " is in use (" + std::to_string(l->refcount) + " references)");
    }
    auto child = db_.prepare("SELECT chain_id FROM layers WHERE parent = ? LIMIT 1");
    child.bind(1, chain_id.str());
    if (child.step()) {
        throw Error(Errc::conflict, "layer " + chain_id.str() + " is the parent of layer " + child.column_text(0));
    }
    db_.prepare("DELETE FROM layers WHERE chain_id = ?").bind(1, chain_id.str()).run();
    tx.commit();
}

std::vector<Digest> ImageStore::referenced_blobs() {
    Transaction tx(db_, Transaction::Mode::deferred);
    auto st = db_.prepare(
        "SELECT digest FROM image_blobs UNION SELECT id FROM images "
        "UNION SELECT manifest FROM images WHERE manifest IS NOT NULL");
    std::vector<Digest> out;
    while (st.step()) out.push_back(Digest::parse(st.column_text(0)));
    tx.commit();
    return out;
}

}  // namespace berth::image
