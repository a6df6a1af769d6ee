#include "state/database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "common/file_util.hpp"

using berth::Errc;
using berth::Error;
using berth::state::Database;
using berth::state::Transaction;

namespace {

class DatabaseTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-state-XXXXXX";
        dir_ = mkdtemp(tmpl);
        path_ = dir_ + "/berth.db";
    }
    void TearDown() override { berth::remove_all(dir_); }
    std::string dir_, path_;
};

const std::vector<std::string> kSteps = {
    "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0))",
    "ALTER TABLE t ADD COLUMN note TEXT",
};

int64_t count(Database& db) {
    auto st = db.prepare("SELECT COUNT(*) FROM t");
    st.step();
    return st.column_int(0);
}

TEST_F(DatabaseTest, OpensInWalModeWithForeignKeys) {
    Database db(path_);
    auto mode = db.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.column_text(0), "wal");
    auto fk = db.prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(fk.step());
    EXPECT_EQ(fk.column_int(0), 1);
}

TEST_F(DatabaseTest, MigrationsRunOncePerComponentAndSurviveReopen) {
    {
        Database db(path_);
        EXPECT_EQ(db.migrate("test", {kSteps[0]}), 0);
        EXPECT_EQ(db.schema_version("test"), 1);
    }
    Database db(path_);
    EXPECT_EQ(db.migrate("test", kSteps), 1);  // only step 2 runs
    EXPECT_EQ(db.migrate("test", kSteps), 2);  // nothing runs
    EXPECT_EQ(db.schema_version("other"), 0);
    auto uv = db.prepare("PRAGMA user_version");
    uv.step();
    EXPECT_EQ(uv.column_int(0), 2);
    db.prepare("INSERT INTO t (k, v, note) VALUES ('a', 1, 'n')").run();
    EXPECT_THROW(db.migrate("test", {kSteps[0]}), Error);  // refuses to downgrade
}

TEST_F(DatabaseTest, TransactionRollsBackOnException) {
    Database db(path_);
    db.migrate("test", kSteps);
    try {
        Transaction tx(db);
        db.prepare("INSERT INTO t (k, v) VALUES ('a', 1)").run();
        db.prepare("INSERT INTO t (k, v) VALUES ('b', -1)").run();  // CHECK fails
        tx.commit();
        FAIL() << "expected a constraint error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict) << e.what();
    }
    EXPECT_EQ(count(db), 0);
}

TEST_F(DatabaseTest, CommitPersistsAndNestedRollbackIsPartial) {
    Database db(path_);
    db.migrate("test", kSteps);
    {
        Transaction outer(db);
        db.prepare("INSERT INTO t (k, v) VALUES (?, ?)").bind(1, "a").bind(2, 1).run();
        {
            Transaction inner(db);
            db.prepare("INSERT INTO t (k, v) VALUES ('b', 2)").run();
        }  // inner rolled back
        outer.commit();
    }
    EXPECT_EQ(count(db), 1);
    Database other(path_);
    auto st = other.prepare("SELECT v, note FROM t WHERE k = ?");
    st.bind(1, std::string("a"));
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column_int(0), 1);
    EXPECT_TRUE(st.is_null(1));
    EXPECT_FALSE(st.column_opt_text(1).has_value());
}

TEST_F(DatabaseTest, DuplicateKeyIsConflict) {
    Database db(path_);
    db.migrate("test", kSteps);
    db.prepare("INSERT INTO t (k, v) VALUES ('a', 1)").run();
    try {
        db.prepare("INSERT INTO t (k, v) VALUES ('a', 2)").run();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict);
        EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
    }
}

TEST_F(DatabaseTest, BadSqlNamesTheStatement) {
    Database db(path_);
    try {
        db.prepare("SELEC nonsense");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("SELEC nonsense"), std::string::npos) << e.what();
    }
}

}  // namespace
