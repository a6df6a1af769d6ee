#include <gtest/gtest.h>

#include "common/error.hpp"
#include "shim/options.hpp"

using namespace berth::shim;

namespace {

Options minimal() {
    Options o;
    o.id = "c1";
    o.bundle = "/b";
    o.runtime_root = "/run/r";
    o.shim_dir = "/run/s";
    o.log_path = "/l";
    return o;
}

}  // namespace

TEST(ShimOptions, RuntimeBinaryRoundTrips) {
    Options o = minimal();
    o.runtime_binary = "/usr/sbin/runc";
    Options back = parse_options(o.to_args());
    EXPECT_EQ(back.runtime_binary, "/usr/sbin/runc");
    EXPECT_EQ(back.runtime_root, "/run/r");
}

TEST(ShimOptions, NoRuntimeBinaryMeansInProcess) {
    auto args = minimal().to_args();
    for (const auto& a : args)
        EXPECT_NE(a, "--runtime-binary");  // the built-in path's argv is unchanged
    EXPECT_TRUE(parse_options(args).runtime_binary.empty());
}

TEST(ShimOptions, RuntimeBinaryNeedsAValue) {
    auto args = minimal().to_args();
    args.push_back("--runtime-binary");
    EXPECT_THROW(parse_options(args), berth::Error);
}

TEST(ShimOptions, NofileSoftRoundTripsAndIsOmittedWhenUnset) {
    Options o = minimal();
    for (const auto& a : o.to_args()) EXPECT_NE(a, "--nofile-soft");
    o.nofile_soft = 1024;
    EXPECT_EQ(parse_options(o.to_args()).nofile_soft, 1024u);
}
