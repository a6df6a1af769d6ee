// compile_cached(): the same program as compile(), entries reused only when their profile text
// matches exactly and the file is ours and private; invalid profiles never cached.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "runtime/seccomp/program_cache.hpp"

namespace berth::runtime::seccomp {
namespace {

Seccomp profile(const std::string& denied) {
    Seccomp config;
    config.default_action = "SCMP_ACT_ALLOW";
    SeccompSyscall call;
    call.names = {denied};
    call.action = "SCMP_ACT_ERRNO";
    call.errno_ret = 1;
    config.syscalls.push_back(call);
    return config;
}

bool same_filter(const Program& a, const Program& b) {
    if (a.flags != b.flags || a.filter.size() != b.filter.size()) return false;
    for (size_t i = 0; i < a.filter.size(); ++i) {
        const auto &x = a.filter[i], &y = b.filter[i];
        if (x.code != y.code || x.jt != y.jt || x.jf != y.jf || x.k != y.k) return false;
    }
    return true;
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
        }
        ::closedir(d);
    }
    return out;
}

class SeccompCache : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-seccomp-cache.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        dir_ = root_ + "/cache";
    }
    void TearDown() override { remove_all(root_); }
    std::string root_, dir_;
};

TEST_F(SeccompCache, SameProgramAsCompileAndOneEntryPerProfile) {
    Program direct = compile(profile("mkdir"));
    Program first = compile_cached(profile("mkdir"), dir_);
    Program again = compile_cached(profile("mkdir"), dir_);
    EXPECT_TRUE(same_filter(direct, first));
    EXPECT_TRUE(same_filter(direct, again));
    struct stat st{};
    ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_EQ(entries(dir_).size(), 1u);
    compile_cached(profile("rmdir"), dir_);
    EXPECT_EQ(entries(dir_).size(), 2u);
}

TEST_F(SeccompCache, AMatchingEntryIsUsedWithoutCompiling) {
    // Put the program of another profile under mkdir's entry (key included): a cache hit
    // returns what the entry holds, which proves the entry, not libseccomp, answered.
    compile_cached(profile("mkdir"), dir_);
    auto files = entries(dir_);
    ASSERT_EQ(files.size(), 1u);
    std::string mkdir_entry = read_file(files[0]);
    Program rmdir_program = compile(profile("rmdir"));
    Program mkdir_program = compile(profile("mkdir"));
    ASSERT_FALSE(same_filter(rmdir_program, mkdir_program));
    // Same key, other instructions: the instructions are the tail of the entry.
    size_t bytes = mkdir_program.filter.size() * sizeof(sock_filter);
    ASSERT_EQ(rmdir_program.filter.size(), mkdir_program.filter.size());
    std::string forged = mkdir_entry.substr(0, mkdir_entry.size() - bytes) +
                         std::string(reinterpret_cast<const char*>(rmdir_program.filter.data()), bytes);
    write_file_atomic(files[0], forged, 0600, Durability::none);
    EXPECT_TRUE(same_filter(compile_cached(profile("mkdir"), dir_), rmdir_program));

    // The same entry writable by others is not trusted: compiled again and rewritten.
    ASSERT_EQ(::chmod(files[0].c_str(), 0666), 0);
    EXPECT_TRUE(same_filter(compile_cached(profile("mkdir"), dir_), mkdir_program));
    EXPECT_EQ(read_file(files[0]), mkdir_entry);
}

TEST_F(SeccompCache, AnEntryForOtherProfileTextIsNotUsed) {
    compile_cached(profile("mkdir"), dir_);
    auto files = entries(dir_);
    ASSERT_EQ(files.size(), 1u);
    // A truncated or garbled entry is recompiled, never trusted.
    std::string entry = read_file(files[0]);
    write_file_atomic(files[0], entry.substr(0, entry.size() / 2), 0600, Durability::none);
    EXPECT_TRUE(same_filter(compile_cached(profile("mkdir"), dir_), compile(profile("mkdir"))));
    std::string garbled = entry;
    garbled[garbled.find("mkdir")] = 'x';  // the stored profile text no longer matches
    write_file_atomic(files[0], garbled, 0600, Durability::none);
    EXPECT_TRUE(same_filter(compile_cached(profile("mkdir"), dir_), compile(profile("mkdir"))));
}

TEST_F(SeccompCache, InvalidProfileThrowsAndIsNotCached) {
    Seccomp bad = profile("mkdir");
    bad.syscalls[0].action = "SCMP_ACT_BOGUS";
    bad.syscalls[0].json_path = "linux.seccomp.syscalls[0]";
    try {
        compile_cached(bad, dir_);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("linux.seccomp.syscalls[0].action"));
    }
    EXPECT_TRUE(entries(dir_).empty());
}

TEST(SeccompCanonicalText, EveryProgramFieldChangesTheText) {
    Seccomp base = profile("mkdir");
    std::string text = canonical_text(base);
    auto differs = [&](auto mutate) {
        Seccomp c = base;
        mutate(c);
        return canonical_text(c) != text;
    };
    EXPECT_TRUE(differs([](Seccomp& c) { c.default_action = "SCMP_ACT_KILL"; }));
    EXPECT_TRUE(differs([](Seccomp& c) { c.default_errno_ret = 3; }));
    EXPECT_TRUE(differs([](Seccomp& c) { c.architectures = {"SCMP_ARCH_X86"}; }));
    EXPECT_TRUE(differs([](Seccomp& c) { c.flags = {"SECCOMP_FILTER_FLAG_LOG"}; }));
    EXPECT_TRUE(differs([](Seccomp& c) { c.syscalls[0].errno_ret = 2; }));
    EXPECT_TRUE(differs([](Seccomp& c) { c.syscalls[0].names.push_back("rmdir"); }));
    EXPECT_TRUE(differs([](Seccomp& c) { c.syscalls[0].args.push_back({0, 1, 0, "SCMP_CMP_EQ"}); }));
    EXPECT_FALSE(differs([](Seccomp& c) { c.syscalls[0].json_path = "elsewhere"; }));
}

}  // namespace
}  // namespace berth::runtime::seccomp
