#pragma once
// A small SQLite wrapper: one connection per Database, opened in WAL mode with a busy
// timeout and foreign keys on; prepared statements; RAII transactions; per-component
// schema migrations.
//
// Thread safety: a Database may be shared by threads. Every Transaction holds the
// connection's (recursive) mutex for its lifetime, so do all work inside a Transaction
// (read-only work too: Transaction(db, Transaction::Mode::deferred)).
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace berth::state {

class Database;

// A prepared statement. Parameters are 1-based (SQLite's convention), columns 0-based.
class Statement {
public:
    Statement() = default;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    ~Statement();

    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bind_null(int index);

    // Advances to the next row: true when a row is available, false when done.
    // Throws berth::Error (conflict for constraint violations, unavailable for busy/locked).
    bool step();
    // Steps to completion (for INSERT/UPDATE/DELETE); returns sqlite3_changes().
    int run();
    // Rewinds so the statement can run again with new bindings.
    void reset();

    bool is_null(int column) const;
    int64_t column_int(int column) const;
    std::string column_text(int column) const;
    std::optional<std::string> column_opt_text(int column) const;

private:
    friend class Database;
    Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    Database* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

// One schema step; migrations run in order, each in its own transaction.
using Migration = std::string;

class Database {
public:
    // Opens (creating if needed) the database file; ":memory:" works for tests.
    explicit Database(const std::string& path, int busy_timeout_ms = 5000);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    Statement prepare(std::string_view sql);
    // Runs one or more statements without results.
    void exec(std::string_view sql);
    int64_t last_insert_rowid() const;

    // Brings `component`'s schema up to date. Several components (images, containers,
    // networks...) share one database file, so each keeps its own version in the
    // berth_schema table; PRAGMA user_version tracks the sum as a quick overall marker.
    // Returns the version the component was at before.
    int migrate(std::string_view component, const std::vector<Migration>& steps);
    int schema_version(std::string_view component);

    std::recursive_mutex& mutex() { return mutex_; }
    sqlite3* handle() { return db_; }
    const std::string& path() const { return path_; }

    // Throws berth::Error for a SQLite result code, with sqlite3_errmsg and `what`.
    [[noreturn]] void fail(int rc, std::string_view what) const;

private:
    sqlite3* db_ = nullptr;
    std::string path_;
    std::recursive_mutex mutex_;
    friend class Transaction;
    int depth_ = 0;  // open Transactions on this connection (guarded by mutex_)
};

// RAII transaction: rolled back on destruction unless commit() was called, so an exception
// anywhere inside leaves the database as it was. Nested Transactions on the same thread
// become savepoints.
class Transaction {
public:
    enum class Mode { deferred, immediate };
    // immediate takes the write lock up front (BEGIN IMMEDIATE), which avoids the
    // deadlock-prone read->write upgrade; use it for anything that writes.
    explicit Transaction(Database& db, Mode mode = Mode::immediate);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    void commit();
    void rollback();
    Database& db() { return db_; }

private:
    Database& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    std::string savepoint_;  // non-empty when nested
    bool done_ = false;
};

}  // namespace berth::state
