// directory_size counts file bytes like Docker's layer size: no directories, hard links once,
// symlinks by their own size.
#include "common/directory_size.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "common/file_util.hpp"

namespace berth {
namespace {

TEST(DirectorySize, CountsFilesOnceAndSkipsDirectories) {
    char tmpl[] = "/tmp/berth-dirsize-XXXXXX";
    std::string dir = ::mkdtemp(tmpl);
    EXPECT_EQ(directory_size(dir), 0);
    mkdir_all(dir + "/a/b/c");
    write_file_atomic(dir + "/top", std::string(100, 'x'));
    write_file_atomic(dir + "/a/b/c/deep", std::string(1000, 'y'));
    write_file_atomic(dir + "/a/empty", "");
    EXPECT_EQ(directory_size(dir), 1100);
    ASSERT_EQ(::link((dir + "/top").c_str(), (dir + "/a/hard").c_str()), 0);
    EXPECT_EQ(directory_size(dir), 1100);
    ASSERT_EQ(::symlink("top", (dir + "/a/sym").c_str()), 0);  // a 3-byte link, not followed
    EXPECT_EQ(directory_size(dir), 1103);
    ASSERT_EQ(::symlink("/", (dir + "/a/root").c_str()), 0);
    EXPECT_EQ(directory_size(dir), 1104);
    remove_all(dir);
    EXPECT_EQ(directory_size(dir), 0);
}

}  // namespace
}  // namespace berth
