#include "state/database.hpp"

#include <sqlite3.h>

#include <utility>

#include "common/error.hpp"

namespace berth::state {

namespace {
Errc errc_for(int rc) {
    switch (rc & 0xff) {
        case SQLITE_CONSTRAINT: return Errc::conflict;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_FULL:
        case SQLITE_NOMEM: return Errc::unavailable;
        case SQLITE_PERM:
        case SQLITE_READONLY:
        case SQLITE_AUTH: return Errc::permission_denied;
        case SQLITE_CANTOPEN:
        case SQLITE_NOTFOUND: return Errc::not_found;
        default: return Errc::internal;
    }
}
}  // namespace

// ---- Statement

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (stmt_) sqlite3_finalize(stmt_);
        db_ = std::exchange(other.db_, nullptr);
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // Reset so the statement is reusable and the error is reported once.
    sqlite3_reset(stmt_);
    db_->fail(rc, sqlite3_sql(stmt_));
}

int Statement::run() {
    while (step()) {
    }
    return sqlite3_changes(db_->handle());
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::column_text(int column) const {
    auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!text) return {};
    return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::column_opt_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return column_text(column);
}

// ---- Database

Database::Database(const std::string& path, int busy_timeout_ms) : path_(path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        if (db_) sqlite3_close(db_);
        db_ = nullptr;
        throw Error(errc_for(rc), "cannot open database " + path + ": " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    // WAL: readers never block the writer and a crash mid-transaction leaves the last commit.
    // synchronous=NORMAL is durable enough in WAL mode (a power cut can lose the last
    // transactions but never corrupts), FULL would fsync on every commit.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
    // A small page cache: berth's tables are a few hundred rows and the kernel caches the file
    // anyway, while SQLite's default (2 MiB per connection) stays in the daemon's heap for good
    // once a burst of containers has filled it.
    exec("PRAGMA cache_size=-256;");
}

Database::~Database() {
    if (db_) sqlite3_close_v2(db_);
}

void Database::fail(int rc, std::string_view what) const {
    std::string msg = "database " + path_ + ": ";
    msg += sqlite3_errmsg(db_);
    if (!what.empty()) {
        msg += " (in: ";
        msg += what;
        msg += ")";
    }
    throw Error(errc_for(rc), std::move(msg));
}

Statement Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) fail(rc, sql);
    return Statement(this, stmt);
}

void Database::exec(std::string_view sql) {
    std::string copy(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw Error(errc_for(rc), "database " + path_ + ": " + msg + " (in: " + copy + ")");
    }
}

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::schema_version(std::string_view component) {
    Transaction tx(*this, Transaction::Mode::deferred);
    exec("CREATE TABLE IF NOT EXISTS berth_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
    auto st = prepare("SELECT version FROM berth_schema WHERE component = ?");
    st.bind(1, component);
    int v = st.step() ? static_cast<int>(st.column_int(0)) : 0;
    tx.commit();
    return v;
}

int Database::migrate(std::string_view component, const std::vector<Migration>& steps) {
    // One immediate transaction for the whole check-and-apply, so two processes starting
    // at once cannot both apply step n.
    Transaction tx(*this);
    int before = schema_version(component);
    if (before > static_cast<int>(steps.size())) {
        throw Error(Errc::internal, "database " + path_ + ": schema of " + std::string(component) +
                                        " is at version " + std::to_string(before) +
                                        ", newer than this berth knows (" +
                                        std::to_string(steps.size()) + "); refusing to downgrade");
    }
    for (size_t i = static_cast<size_t>(before); i < steps.size(); ++i) exec(steps[i]);
    if (before != static_cast<int>(steps.size())) {
        auto st = prepare(
            "INSERT INTO berth_schema (component, version) VALUES (?, ?) "
            "ON CONFLICT(component) DO UPDATE SET version = excluded.version");
        st.bind(1, component).bind(2, static_cast<int64_t>(steps.size())).run();
        auto total = prepare("SELECT COALESCE(SUM(version), 0) FROM berth_schema");
        total.step();
        exec("PRAGMA user_version = " + std::to_string(total.column_int(0)));
    }
    tx.commit();
    return before;
}

// ---- Transaction

Transaction::Transaction(Database& db, Mode mode) : db_(db), lock_(db.mutex_) {
    if (db_.depth_ > 0) {
        savepoint_ = "sp" + std::to_string(db_.depth_);
        db_.exec("SAVEPOINT " + savepoint_);
    } else {
        db_.exec(mode == Mode::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    }
    ++db_.depth_;
}

Transaction::~Transaction() {
    if (!done_) {
        try {
            rollback();
        } catch (...) {
            // A failed rollback leaves SQLite to roll back when the connection closes.
        }
    }
}

void Transaction::commit() {
    if (done_) throw Error(Errc::internal, "transaction already finished");
    done_ = true;
    --db_.depth_;
    if (savepoint_.empty()) {
        db_.exec("COMMIT");
    } else {
        db_.exec("RELEASE " + savepoint_);
    }
}

void Transaction::rollback() {
    if (done_) return;
    done_ = true;
    --db_.depth_;
    if (savepoint_.empty()) {
        db_.exec("ROLLBACK");
    } else {
        db_.exec("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
    }
}

}  // namespace berth::state
