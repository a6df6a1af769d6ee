// DirWalk and the walks built on it (remove_all, directory_size) on trees deeper than any stack
// or fd limit: a container's user makes one with a shell loop.
#include "common/dir_walk.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common/directory_size.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"

namespace berth {
namespace {

std::string make_temp_dir() {
    char tmpl[] = "/tmp/berth-dirwalk-XXXXXX";
    return ::mkdtemp(tmpl);
}

// `levels` directories "d" inside each other under `root`, a 5-byte file at the bottom.
void make_deep_tree(const std::string& root, int levels) {
    UniqueFd cur(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(cur);
    for (int i = 0; i < levels; ++i) {
        ASSERT_EQ(::mkdirat(cur.get(), "d", 0755), 0);
        cur.reset(::openat(cur.get(), "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        ASSERT_TRUE(cur);
    }
    UniqueFd f(::openat(cur.get(), "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    ASSERT_TRUE(f);
    ASSERT_EQ(::write(f.get(), "hello", 5), 5);
}

// Lowers the soft fd limit for one test, so a walk holding an fd per level fails it.
class FewFds {
public:
    explicit FewFds(rlim_t soft) {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit low = saved_;
        low.rlim_cur = soft;
        ::setrlimit(RLIMIT_NOFILE, &low);
    }
    ~FewFds() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

private:
    rlimit saved_{};
};

TEST(DirWalk, PreOrderByNameWithPostOrderOnRequest) {
    std::string root = make_temp_dir();
    mkdir_all(root + "/b/c");
    mkdir_all(root + "/a");
    write_file_atomic(root + "/b/z", "z");
    write_file_atomic(root + "/b/c/y", "y");
    UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::vector<std::string> seen;
    DirWalk walk(fd.get(), root, true);
    while (walk.next()) seen.push_back((walk.leaving() ? "<" : "") + walk.path());
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "<a", "b", "b/c", "b/c/y", "<b/c", "b/z", "<b"}));

    seen.clear();
    DirWalk skipping(fd.get(), root);
    while (skipping.next()) {
        seen.push_back(skipping.path());
        if (skipping.path() == "b/c") skipping.skip_children();
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "b/c", "b/z"}));
    remove_all(root);
}

TEST(DirWalk, SixtyThousandLevelsWithThirtyTwoFds) {
    std::string root = make_temp_dir();
    make_deep_tree(root, 60000);
    {
        FewFds few(32);
        UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        size_t entries = 0, deepest = 0;
        DirWalk walk(fd.get(), root);
        while (walk.next()) {
            ++entries;
            deepest = std::max(deepest, walk.depth());
        }
        EXPECT_EQ(entries, 60001u);
        EXPECT_EQ(deepest, 60001u);
        EXPECT_EQ(directory_size(root), 5);
        // The recursion this replaced overflowed the stack (and ran out of fds) here.
        remove_all(root);
    }
    EXPECT_FALSE(path_exists(root));
}

}  // namespace
}  // namespace berth
