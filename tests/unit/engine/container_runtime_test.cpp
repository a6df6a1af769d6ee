#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/container_manager.hpp"
#include "engine/container_runtime.hpp"

using namespace berth;
using namespace berth::engine;

namespace {

ManagerOptions options() {
    ManagerOptions o;
    o.exec_root = "/run/x";
    o.runtimes = {{"runc", "/usr/sbin/runc"}};
    return o;
}

}  // namespace

TEST(ContainerRuntime, BuiltinIsInProcessOnTheRuntimeRoot) {
    ContainerRuntime rt(options(), "berth");
    EXPECT_TRUE(rt.builtin());
    EXPECT_EQ(rt.binary(), "");
    EXPECT_EQ(rt.root(), "/run/x/runtime");
}

TEST(ContainerRuntime, AddedRuntimeHasItsPathAndOwnRoot) {
    ContainerRuntime rt(options(), "runc");
    EXPECT_FALSE(rt.builtin());
    EXPECT_EQ(rt.binary(), "/usr/sbin/runc");
    EXPECT_EQ(rt.root(), "/run/x/runtimes/runc");
}

TEST(ContainerRuntime, UnknownNameIsDockersError) {
    try {
        ContainerRuntime rt(options(), "nope");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_STREQ(e.what(), "unknown or invalid runtime name: nope");
    }
}

TEST(ContainerRuntime, RecordsWithoutRuntimeRanOnTheBuiltin) {
    EXPECT_EQ(runtime_name(Json::object()), "berth");
    EXPECT_EQ(runtime_name(Json{{"Runtime", ""}}), "berth");
    EXPECT_EQ(runtime_name(Json{{"Runtime", "runc"}}), "runc");
}

TEST(ContainerRuntime, BareNameIsLookedUpInPath) {
    ManagerOptions o = options();
    o.runtimes = {{"shell", "sh"}, {"gone", "no-such-runtime-binary"}};
    std::string sh = ContainerRuntime(o, "shell").binary();
    EXPECT_EQ(sh.front(), '/');
    EXPECT_EQ(sh.substr(sh.size() - 3), "/sh");
    EXPECT_EQ(ContainerRuntime(o, "gone").binary(), "no-such-runtime-binary");
}
