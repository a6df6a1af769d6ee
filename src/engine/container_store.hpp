#pragma once
// The containers table of berth.db: one row per container, the record as JSON, the name
// unique (a second container with the same name is a constraint violation -> conflict).
#include <string>
#include <vector>

#include "engine/container.hpp"
#include "state/database.hpp"

namespace berth::engine {

class ContainerStore {
public:
    // Runs the "containers" component's migrations.
    explicit ContainerStore(state::Database& db);
    // Insert or replace, in one transaction.
    void save(const Container& c);
    void remove(const std::string& id);
    std::vector<Container> load_all();

private:
    state::Database& db_;
};

}  // namespace berth::engine
