#include <gtest/gtest.h>

#include <cstring>

#include "common/error.hpp"
#include "common/shared_library.hpp"

using namespace berth;

TEST(SharedLibrary, LoadsAndFindsAFunction) {
    void* libc = load_shared_library("libc.so.6", "test", "libc6");
    auto fn = reinterpret_cast<decltype(&std::strlen)>(shared_library_symbol(libc, "libc.so.6", "strlen"));
    EXPECT_EQ(fn("four"), 4u);
}

TEST(SharedLibrary, AMissingLibrarySaysWhatNeedsItAndWhichPackage) {
    try {
        load_shared_library("libberth-no-such.so.1", "tar archives", "Debian package libnothing1");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::unavailable);
        EXPECT_NE(std::string(e.what()).find("tar archives needs libberth-no-such.so.1 (Debian package libnothing1)"),
                  std::string::npos);
    }
}

TEST(SharedLibrary, AMissingSymbolIsNamed) {
    void* libc = load_shared_library("libc.so.6", "test", "libc6");
    try {
        shared_library_symbol(libc, "libc.so.6", "berth_no_such_function");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "libc.so.6 has no berth_no_such_function (too old?)");
    }
}
