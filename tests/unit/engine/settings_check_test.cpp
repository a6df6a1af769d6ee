// Values checked as moby's verifyContainerSettings checks them; the expected messages are
// dockerd's answers to the same bodies.
#include "engine/settings_check.hpp"

#include <signal.h>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/signals.hpp"

namespace berth::engine {
namespace {

const HostCpus kTwoCpus{"0-1", "0", 2};

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        return e.what();
    }
    return "(no error)";
}

std::string resources(const Json& r, bool update = false) {
    return error_of([&] { verify_resources(r, update, kTwoCpus); });
}

TEST(SettingsCheck, MemoryAsDockerd) {
    EXPECT_EQ(resources({{"Memory", -5}}), "Minimum memory limit allowed is 6MB");
    EXPECT_EQ(resources({{"Memory", 6291455}}), "Minimum memory limit allowed is 6MB");
    EXPECT_EQ(resources({{"Memory", 6291456}}), "(no error)");
    EXPECT_EQ(resources({{"Memory", 0}}), "(no error)");
    EXPECT_EQ(resources({{"Memory", 10000000}, {"MemorySwap", 9000000}}),
              "Minimum memoryswap limit should be larger than memory limit, see usage");
    EXPECT_EQ(resources({{"MemorySwap", 90000000}}),
              "You should always set the Memory limit when using Memoryswap limit, see usage");
    EXPECT_EQ(resources({{"MemorySwap", 90000000}}, true), "(no error)");  // the container may have one
    EXPECT_EQ(resources({{"MemorySwappiness", 101}}), "Invalid value: 101, valid memory swappiness range is 0-100");
    EXPECT_EQ(resources({{"MemorySwappiness", -1}}), "(no error)");  // -1: unset, as the CLI sends it
    EXPECT_EQ(resources({{"MemoryReservation", 5}}), "Minimum memory reservation allowed is 6MB");
    EXPECT_EQ(resources({{"Memory", 10000000}, {"MemoryReservation", 20000000}}),
              "Minimum memory limit can not be less than memory reservation limit, see usage");
}

TEST(SettingsCheck, CpuAsDockerd) {
    EXPECT_EQ(resources({{"NanoCpus", 99000000000}}),
              "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
    EXPECT_EQ(resources({{"NanoCpus", -1}}), "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
    EXPECT_EQ(resources({{"NanoCpus", 2000000000}}), "(no error)");
    EXPECT_EQ(resources({{"NanoCpus", 1000000000}, {"CpuPeriod", 100000}}),
              "Conflicting options: Nano CPUs and CPU Period cannot both be set");
    EXPECT_EQ(resources({{"CpuPeriod", 5}}),
              "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
    EXPECT_EQ(resources({{"CpuPeriod", 1000001}}),
              "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
    EXPECT_EQ(resources({{"CpuQuota", 500}}), "CPU cfs quota can not be less than 1ms (i.e. 1000)");
    EXPECT_EQ(resources({{"CpuQuota", -1}}), "(no error)");
    EXPECT_EQ(resources({{"CpusetCpus", "0-999"}}), "Requested CPUs are not available - requested 0-999, available: 0-1");
    EXPECT_EQ(resources({{"CpusetCpus", "1"}}), "(no error)");
    EXPECT_EQ(resources({{"CpusetMems", "1"}}), "Requested memory nodes are not available - requested 1, available: 0");
    EXPECT_EQ(resources({{"BlkioWeight", 5}}), "Range of blkio weight is from 10 to 1000");
}

TEST(SettingsCheck, CpusetWithin) {
    EXPECT_TRUE(cpuset_within("0,1", "0-3"));
    EXPECT_TRUE(cpuset_within("2-3", "0-1,2-3"));
    EXPECT_FALSE(cpuset_within("4", "0-3"));
    EXPECT_FALSE(cpuset_within("0-4", "0-3"));
}

TEST(SettingsCheck, ConfigAndHostConfig) {
    auto config = [](const Json& c) { return error_of([&] { verify_container_config(c); }); };
    auto host = [](const Json& h) { return error_of([&] { verify_host_config(h); }); };
    EXPECT_EQ(config({{"WorkingDir", "rel/dir"}}),
              "the working directory 'rel/dir' is invalid, it needs to be an absolute path");
    EXPECT_EQ(config({{"WorkingDir", "/abs"}}), "(no error)");
    EXPECT_EQ(config({{"Env", {"A=1", "=x"}}}), "invalid environment variable: =x");
    EXPECT_EQ(config({{"Env", {"A", "B="}}}), "(no error)");
    EXPECT_EQ(config({{"StopSignal", "SIGFOO"}}), "Invalid signal: SIGFOO");
    EXPECT_EQ(config({{"StopSignal", "SIGRTMAX-1"}}), "(no error)");
    EXPECT_EQ(host({{"Isolation", "hyperv"}}), "Invalid isolation: \"hyperv\" - linux only supports 'default'");
    EXPECT_EQ(host({{"Isolation", "default"}}), "(no error)");
    EXPECT_EQ(host({{"OomScoreAdj", 5000}}), "Invalid value 5000, range for oom score adj is [-1000, 1000]");
    EXPECT_EQ(host({{"ShmSize", -1}}), "SHM size can not be less than 0");
    EXPECT_EQ(host({{"Tmpfs", {{"rel", ""}}}}), "invalid mount path: 'rel' mount path must be absolute");
    EXPECT_EQ(host({{"Tmpfs", {{"/", ""}}}}), "invalid specification: destination can't be '/'");
}

TEST(Signals, MobysNames) {
    EXPECT_EQ(parse_signal("SIGRTMAX"), SIGRTMAX);
    EXPECT_EQ(parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
    EXPECT_EQ(parse_signal("RTMAX-14"), SIGRTMAX - 14);
    EXPECT_EQ(parse_signal("rtmin+15"), SIGRTMIN + 15);
    EXPECT_EQ(parse_signal("SIGPOLL"), SIGPOLL);
    EXPECT_EQ(parse_signal("CLD"), SIGCHLD);
    EXPECT_EQ(parse_signal("9"), SIGKILL);
    for (const char* bad : {"RTMIN+16", "RTMAX-15", "RTMIN+", "RTMIN+03", "RTMIN-1", "SIGFOO", "0", ""}) {
        EXPECT_EQ(error_of([&] { parse_signal(bad); }), std::string("Invalid signal: ") + bad) << bad;
    }
}

}  // namespace
}  // namespace berth::engine
