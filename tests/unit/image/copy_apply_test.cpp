// docker cp's rules for applying an archive (ApplyOptions::copy): no whiteouts, moby's
// lexical names and its noOverwriteDirNonDir refusals, all or nothing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/unique_fd.hpp"
#include "image/apply_log.hpp"
#include "image/apply_recovery.hpp"
#include "image/layer_apply.hpp"
#include "image/tar_path.hpp"
#include "image/tar_writer.hpp"

namespace berth::image {
namespace {

TarHeader file(std::string name) {
    TarHeader h;
    h.name = std::move(name);
    h.mode = 0644;
    h.mtime = 1700000000;
    return h;
}
TarHeader dir(std::string name) {
    TarHeader h = file(std::move(name));
    h.type = S_IFDIR;
    h.mode = 0755;
    return h;
}

class CopyApplyTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-copy-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        mkdir_all(root_ + "/etc/d");
        write_file_atomic(root_ + "/etc/passwd", "root:x:0:0\n");
        write_file_atomic(root_ + "/etc/d/keep", "k");
        write_file_atomic(root_ + "/etc/plain", "p");
    }
    void TearDown() override { remove_all(root_); }

    template <typename Fn>
    void copy_in(Fn&& fill, bool no_overwrite = true) {
        UniqueFd fd(::memfd_create("tar", MFD_CLOEXEC));
        TarWriter w(fd.get());
        fill(w);
        w.finish();
        ::lseek(fd.get(), 0, SEEK_SET);
        UniqueFd etc(::open((root_ + "/etc").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        ApplyOptions o;
        o.copy = CopyRules{"/etc", no_overwrite};
        o.preserve_owners = false;
        apply_layer_at(fd.get(), etc.get(), o);
    }
    std::string error_of(const std::function<void()>& fn) {
        try {
            fn();
        } catch (const Error& e) {
            return e.what();
        }
        return "";
    }

    std::string root_;
};

TEST_F(CopyApplyTest, WhiteoutNamesAreOrdinaryFiles) {
    copy_in([](TarWriter& w) {
        w.add(file(".wh.passwd"), "w");
        w.add(file("d/.wh..wh..opq"));
    });
    EXPECT_EQ(read_file(root_ + "/etc/passwd"), "root:x:0:0\n");
    EXPECT_EQ(read_file(root_ + "/etc/.wh.passwd"), "w");
    EXPECT_EQ(read_file(root_ + "/etc/d/keep"), "k");
    EXPECT_TRUE(path_exists(root_ + "/etc/d/.wh..wh..opq"));
}

TEST_F(CopyApplyTest, FileOverDirectoryIsRefusedAndRolledBack) {
    std::string msg = error_of([&] {
        copy_in([](TarWriter& w) {
            w.add(file("passwd"), "changed first");
            w.add(file("d"), "over a dir");
        });
    });
    EXPECT_EQ(msg, "cannot overwrite directory \"/etc/d\" with non-directory \"/etc\"");
    EXPECT_EQ(read_file(root_ + "/etc/passwd"), "root:x:0:0\n");
    EXPECT_EQ(read_file(root_ + "/etc/d/keep"), "k");
}

TEST_F(CopyApplyTest, DirectoryOverFileIsRefused) {
    std::string msg = error_of([&] { copy_in([](TarWriter& w) { w.add(dir("plain")); }); });
    EXPECT_EQ(msg, "cannot overwrite non-directory \"/etc/plain\" with directory \"/etc\"");
    EXPECT_EQ(read_file(root_ + "/etc/plain"), "p");
}

TEST_F(CopyApplyTest, WithoutNoOverwriteDirNonDirAFileReplacesADirectory) {
    copy_in([](TarWriter& w) { w.add(file("d"), "now a file"); }, false);
    EXPECT_EQ(read_file(root_ + "/etc/d"), "now a file");
}

TEST_F(CopyApplyTest, AbsoluteAndDotDotNamesAreCleanedInsideTheRoot) {
    copy_in([](TarWriter& w) {
        w.add(file("/abs"), "a");
        w.add(file("d/../rel"), "r");
        w.add(file("/../../up"), "u");
    });
    EXPECT_EQ(read_file(root_ + "/etc/abs"), "a");
    EXPECT_EQ(read_file(root_ + "/etc/rel"), "r");
    EXPECT_EQ(read_file(root_ + "/etc/up"), "u");
    EXPECT_FALSE(path_exists(root_ + "/abs"));
}

TEST_F(CopyApplyTest, OnlyNamesThatLeaveTheRootAreRefused) {
    std::string msg = error_of([&] {
        copy_in([](TarWriter& w) {
            w.add(file("fine"), "f");
            w.add(file("d/../../escape"), "x");
        });
    });
    EXPECT_EQ(msg, "\"../escape\" is outside of \"/etc\"");
    EXPECT_FALSE(path_exists(root_ + "/escape"));
    EXPECT_FALSE(path_exists(root_ + "/etc/fine"));
}

// What the tree holds, one line per path, to compare before and after.
std::string listing(const std::string& root) {
    std::string out;
    for (auto& e : std::filesystem::recursive_directory_iterator(root)) {
        out += e.path().string().substr(root.size());
        if (e.is_regular_file()) out += "=" + read_file(e.path().string());
        out += "\n";
    }
    return out;
}

// The process applying the archive dies (SIGKILL) in the middle of a file, after it replaced
// passwd and made a directory: replaying the log it leaves restores the tree exactly.
TEST_F(CopyApplyTest, ApplyKilledMidwayIsRolledBackFromItsLog) {
    std::string before = listing(root_);
    std::string log_path = root_ + ".log";
    UniqueFd whole(::memfd_create("tar", MFD_CLOEXEC));
    {
        TarWriter w(whole.get());
        w.add(file("passwd"), "evil\n");
        w.add(dir("newdir"));
        w.add(file("newdir/inner"), "i");
        w.add(file("big"), std::string(4 << 20, 'b'));
        w.finish();
    }
    std::string bytes(static_cast<size_t>(::lseek(whole.get(), 0, SEEK_END)), '\0');
    ASSERT_EQ(::pread(whole.get(), bytes.data(), bytes.size(), 0),
              static_cast<ssize_t>(bytes.size()));
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(p[1]);
        try {
            UniqueFd etc(::open((root_ + "/etc").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            ApplyLog log(log_path, "/etc");
            ApplyOptions o;
            o.copy = CopyRules{"/etc", true};
            o.preserve_owners = false;
            o.log = &log;
            apply_layer_at(p[0], etc.get(), o);
        } catch (...) {
        }
        ::_exit(0);
    }
    ::close(p[0]);
    // Everything but the end of big; the child blocks reading the rest.
    ASSERT_EQ(::write(p[1], bytes.data(), 1 << 20), 1 << 20);
    // Until big has data: the child then blocks for the rest. (Killing it earlier would be
    // a crash at another point, which recovery must handle too; the deadline only bounds.)
    auto big_size = [&] {
        struct stat st {};
        return ::stat((root_ + "/etc/big").c_str(), &st) == 0 ? st.st_size : off_t(-1);
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (big_size() <= 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_GE(big_size(), 0);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(p[1]);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(read_file(root_ + "/etc/passwd"), "evil\n");  // half applied, as a crash leaves it
    ASSERT_TRUE(path_exists(log_path));

    UniqueFd top(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    EXPECT_EQ(recover_apply(top.get(), log_path), "");
    EXPECT_EQ(listing(root_), before);
    EXPECT_FALSE(path_exists(log_path));
}

TEST(ApplyLogFields, EscapeRoundTrips) {
    for (std::string s : {std::string(""), std::string("a b%c\nd"), std::string("\xff\x01/x")})
        EXPECT_EQ(unescape_field(escape_field(s)), s);
    EXPECT_EQ(escape_field("a b"), "a%20b");
}

TEST(SplitUntarPath, CleansAsGoFilepathClean) {
    using V = std::vector<std::string>;
    EXPECT_EQ(split_untar_path("/etc/passwd", "/"), (V{"etc", "passwd"}));
    EXPECT_EQ(split_untar_path("./a//b/./c/", "/"), (V{"a", "b", "c"}));
    EXPECT_EQ(split_untar_path("a/../b", "/"), (V{"b"}));
    EXPECT_EQ(split_untar_path("/../..", "/"), V{});
    EXPECT_THROW(split_untar_path("..", "/"), Error);
    EXPECT_THROW(split_untar_path("a/../../b", "/"), Error);
    EXPECT_EQ(go_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
}

}  // namespace
}  // namespace berth::image
