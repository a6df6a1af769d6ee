#include "engine/container_store.hpp"

namespace berth::engine {

ContainerStore::ContainerStore(state::Database& db) : db_(db) {
    db_.migrate("containers", {
                                  "CREATE TABLE containers ("
                                  "  id TEXT PRIMARY KEY,"
                                  "  name TEXT NOT NULL UNIQUE,"
                                  "  record TEXT NOT NULL)",
                              });
}

void ContainerStore::save(const Container& c) {
    state::Transaction tx(db_);
    db_.prepare("INSERT INTO containers (id, name, record) VALUES (?1, ?2, ?3) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, record = excluded.record")
        .bind(1, c.id)
        .bind(2, c.name)
        .bind(3, c.to_json().dump())
        .run();
    tx.commit();
}

void ContainerStore::remove(const std::string& id) {
    state::Transaction tx(db_);
    db_.prepare("DELETE FROM containers WHERE id = ?1").bind(1, id).run();
    tx.commit();
}

std::vector<Container> ContainerStore::load_all() {
    state::Transaction tx(db_, state::Transaction::Mode::deferred);
    std::vector<Container> out;
    auto st = db_.prepare("SELECT record FROM containers ORDER BY rowid");
    while (st.step()) out.push_back(Container::from_json(parse_json(st.column_text(0), "containers.record")));
    tx.commit();
    return out;
}

}  // namespace berth::engine
