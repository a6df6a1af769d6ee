// docker_profile_to_oci(): Docker's profile format filtered for capabilities, architecture
// and kernel, checked on Docker's own default profile and on small hand-written ones.
#include <sys/utsname.h>

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/file_util.hpp"
#include "common/json_reader.hpp"
#include "runtime/seccomp/docker_profile.hpp"
#include "runtime/seccomp/seccomp.hpp"

namespace berth::runtime::seccomp {
namespace {

using ::testing::HasSubstr;

Json default_profile() {
    return parse_json(read_file(BERTH_REFERENCE_DIR "/seccomp/default.json"), "default.json");
}

// Actions that the converted profile gives `name` (one per rule naming it).
std::vector<std::string> actions_for(const Json& oci, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& call : oci.at("syscalls")) {
        auto names = call.at("names").get<std::vector<std::string>>();
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            out.push_back(call.at("action").get<std::string>());
        }
    }
    return out;
}

TEST(SeccompDockerProfile, DefaultProfileForAmd64) {
    Json oci = docker_profile_to_oci(default_profile(), docker_default_capabilities(), "amd64");
    EXPECT_EQ(oci.at("defaultAction"), "SCMP_ACT_ERRNO");
    EXPECT_EQ(oci.at("defaultErrnoRet"), 1);
    EXPECT_EQ(oci.at("architectures"),
              Json::array({"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
    EXPECT_FALSE(oci.contains("archMap"));
    // uname's spelling of the same architecture gives the same result.
    EXPECT_EQ(docker_profile_to_oci(default_profile(), docker_default_capabilities(), "x86_64"),
              oci);

    EXPECT_THAT(actions_for(oci, "read"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    EXPECT_THAT(actions_for(oci, "arch_prctl"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    EXPECT_TRUE(actions_for(oci, "mount").empty());
    EXPECT_TRUE(actions_for(oci, "unshare").empty());
    EXPECT_TRUE(actions_for(oci, "riscv_flush_icache").empty());  // another arch's rule
    EXPECT_TRUE(actions_for(oci, "s390_runtime_instr").empty());
    // clone only with the namespace flags masked out, and clone3 answered with ENOSYS.
    bool clone3_enosys = false, clone_masked = false;
    for (const auto& call : oci["syscalls"]) {
        if (call["names"] == Json::array({"clone3"}))
            clone3_enosys = call.value("errnoRet", 0) == 38;
        if (call["names"] == Json::array({"clone"}) && call.contains("args")) {
            const auto& arg = call["args"][0];
            clone_masked = arg["index"] == 0 && arg["op"] == "SCMP_CMP_MASKED_EQ" &&
                           arg["value"] == 2114060288 && arg["valueTwo"] == 0;
        }
    }
    EXPECT_TRUE(clone3_enosys);
    EXPECT_TRUE(clone_masked);
    for (const auto& call : oci["syscalls"]) {
        EXPECT_FALSE(call.contains("includes") || call.contains("excludes") ||
                     call.contains("comment"));
    }
}

TEST(SeccompDockerProfile, SysAdminAddsMountAndDropsTheCloneMask) {
    auto caps = docker_default_capabilities();
    caps.push_back("CAP_SYS_ADMIN");
    Json oci = docker_profile_to_oci(default_profile(), caps, "amd64");
    EXPECT_THAT(actions_for(oci, "mount"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    EXPECT_THAT(actions_for(oci, "umount2"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    EXPECT_THAT(actions_for(oci, "unshare"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    EXPECT_THAT(actions_for(oci, "clone3"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    for (const auto& call : oci["syscalls"]) {
        if (call["names"] == Json::array({"clone"})) {
            EXPECT_FALSE(call.contains("args"));
        }
    }
}

TEST(SeccompDockerProfile, DefaultProfileCompiles) {
    for (bool sys_admin : {false, true}) {
        auto caps = docker_default_capabilities();
        if (sys_admin) caps.push_back("CAP_SYS_ADMIN");
        Json oci = docker_profile_to_oci(default_profile(), caps, "amd64");
        Seccomp config;
        config.default_action = oci["defaultAction"];
        config.default_errno_ret = oci["defaultErrnoRet"].get<uint32_t>();
        config.architectures = oci["architectures"].get<std::vector<std::string>>();
        for (const auto& call : oci["syscalls"]) {
            SeccompSyscall s;
            s.names = call["names"].get<std::vector<std::string>>();
            s.action = call["action"];
            if (call.contains("errnoRet")) s.errno_ret = call["errnoRet"].get<uint32_t>();
            for (const auto& arg : call.value("args", Json::array())) {
                s.args.push_back({arg["index"].get<unsigned>(), arg["value"].get<uint64_t>(),
                                  arg["valueTwo"].get<uint64_t>(), arg["op"].get<std::string>()});
            }
            config.syscalls.push_back(std::move(s));
        }
        Program program = compile(config);
        EXPECT_GT(program.filter.size(), 100u) << "sys_admin=" << sys_admin;
        EXPECT_LE(program.filter.size(), 4096u);
    }
}

TEST(SeccompDockerProfile, OtherArchitecturesGetTheirOwnMapEntryAndRules) {
    Json oci = docker_profile_to_oci(default_profile(), docker_default_capabilities(), "arm64");
    EXPECT_EQ(oci.at("architectures"), Json::array({"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
    EXPECT_THAT(actions_for(oci, "cacheflush"), ::testing::ElementsAre("SCMP_ACT_ALLOW"));
    EXPECT_TRUE(actions_for(oci, "arch_prctl").empty());
}

TEST(SeccompDockerProfile, KernelVersionsAndCapsInIncludesAndExcludes) {
    Json profile = R"({
      "defaultAction": "SCMP_ACT_ERRNO",
      "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "syscalls": [
        {"names": ["old_enough"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "3.0"}},
        {"names": ["too_new"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "999.0"}},
        {"names": ["excluded_by_kernel"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "3.0"}},
        {"names": ["kept_by_kernel"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "999.1"}},
        {"name": "single", "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        {"names": ["needs_two"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_A", "CAP_B"]}},
        {"names": ["not_with_b"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_B"]}},
        {"names": ["args"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_GE"}]}
      ]})"_json;
    Json oci = docker_profile_to_oci(profile, {"CAP_A"}, "amd64");
    EXPECT_EQ(oci["flags"], Json::array({"SECCOMP_FILTER_FLAG_LOG"}));
    EXPECT_FALSE(oci.contains("architectures"));
    std::vector<std::string> kept;
    for (const auto& call : oci["syscalls"]) kept.push_back(call["names"][0]);
    EXPECT_THAT(kept, ::testing::ElementsAre("old_enough", "kept_by_kernel", "single", "not_with_b",
                                             "args"));
    EXPECT_EQ(oci["syscalls"][2],
              R"({"names": ["single"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38})"_json);
    EXPECT_EQ(
        oci["syscalls"][4]["args"][0],
        R"({"index": 1, "value": 18446744073709551615, "valueTwo": 0, "op": "SCMP_CMP_GE"})"_json);

    Json with_both = docker_profile_to_oci(profile, {"CAP_A", "CAP_B"}, "amd64");
    kept.clear();
    for (const auto& call : with_both["syscalls"]) kept.push_back(call["names"][0]);
    EXPECT_THAT(kept, ::testing::Contains("needs_two"));
    EXPECT_THAT(kept, ::testing::Not(::testing::Contains("not_with_b")));
}

TEST(SeccompDockerProfile, MistakesNameThePlace) {
    auto error_of = [](const Json& profile) -> std::string {
        try {
            docker_profile_to_oci(profile, {}, "amd64");
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Errc::invalid_argument);
            return e.what();
        }
        return "(no error)";
    };
    EXPECT_THAT(error_of(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW"},
                     {"name": "b", "names": ["c"], "action": "SCMP_ACT_ALLOW"}]})"_json),
                HasSubstr("syscalls[1]"));
    EXPECT_THAT(error_of(R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"],
        "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})"_json),
                HasSubstr("archMap"));
    EXPECT_THAT(error_of(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "new"}}]})"_json),
                HasSubstr("syscalls[0].includes.minKernel"));
    EXPECT_THAT(error_of(R"({"defaultAction": "SCMP_ACT_ERRNO",
        "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]})"_json),
                HasSubstr("syscalls[0].args[0].value"));
}

TEST(SeccompDockerProfile, EmptyProfileMeansNoSeccomp) {
    EXPECT_TRUE(docker_profile_to_oci(Json::object(), {}, "amd64").is_null());
    EXPECT_TRUE(docker_profile_to_oci(R"({"syscalls": []})"_json, {}, "amd64").is_null());
}

}  // namespace
}  // namespace berth::runtime::seccomp
