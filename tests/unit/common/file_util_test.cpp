#include "common/file_util.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "common/error.hpp"

namespace {
std::string temp_dir() {
    char tmpl[] = "/tmp/berth-common-test-XXXXXX";
    return ::mkdtemp(tmpl);
}
}  // namespace

TEST(FileUtil, AtomicWriteThenRead) {
    auto dir = temp_dir();
    berth::write_file_atomic(dir + "/f", "hello");
    EXPECT_EQ(berth::read_file(dir + "/f"), "hello");
    berth::write_file_atomic(dir + "/f", "again");
    EXPECT_EQ(berth::read_file(dir + "/f"), "again");
    berth::remove_all(dir);
    EXPECT_FALSE(berth::path_exists(dir));
}

TEST(FileUtil, MkdirAllAndRemoveAllDoNotFollowSymlinks) {
    auto dir = temp_dir();
    auto outside = temp_dir();
    berth::write_file_atomic(outside + "/keep", "x");
    berth::mkdir_all(dir + "/a/b/c");
    ASSERT_EQ(::symlink(outside.c_str(), (dir + "/a/link").c_str()), 0);
    berth::remove_all(dir);
    EXPECT_FALSE(berth::path_exists(dir));
    EXPECT_EQ(berth::read_file(outside + "/keep"), "x");
    berth::remove_all(outside);
}

TEST(FileUtil, MissingFileIsNotFound) {
    try {
        (void)berth::read_file("/nonexistent/berth");
        FAIL();
    } catch (const berth::Error& e) {
        EXPECT_EQ(e.code(), berth::Errc::not_found);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/berth"), std::string::npos);
    }
    EXPECT_FALSE(berth::read_file_if_exists("/nonexistent/berth").has_value());
}
