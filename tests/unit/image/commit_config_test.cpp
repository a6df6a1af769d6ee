// docker commit's config rules: moby's merge, --change on a ContainerConfig, the child image.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "image/commit_config.hpp"

namespace berth::image {
namespace {

Json container_config() {
    return Json::parse(R"({
        "Hostname": "abc123", "Image": "busybox", "User": "nobody", "Tty": false,
        "Env": ["PATH=/bin", "A=1"], "Cmd": ["sh", "-c", "echo hi > /f"], "Entrypoint": null,
        "WorkingDir": "/srv", "Labels": {"l1": "c", "l2": "c"},
        "ExposedPorts": {"80/tcp": {}}, "Volumes": {"/data": {}}, "StopSignal": "SIGUSR1",
        "Healthcheck": {"Test": ["CMD", "true"], "Interval": 5000000000, "Retries": 3}
    })");
}

TEST(CommitConfig, EmptyUserConfigTakesEverythingFromTheContainer) {
    Json c = container_config();
    Json m = merge_commit_config(Json::object(), c);
    EXPECT_EQ(m["User"], "nobody");
    EXPECT_EQ(m["Env"], c["Env"]);
    EXPECT_EQ(m["Cmd"], c["Cmd"]);
    EXPECT_TRUE(m["Entrypoint"].is_null());
    EXPECT_EQ(m["WorkingDir"], "/srv");
    EXPECT_EQ(m["Labels"], c["Labels"]);
    EXPECT_EQ(m["ExposedPorts"], c["ExposedPorts"]);
    EXPECT_EQ(m["Volumes"], c["Volumes"]);
    EXPECT_EQ(m["StopSignal"], "SIGUSR1");
    EXPECT_EQ(m["Healthcheck"], c["Healthcheck"]);
}

TEST(CommitConfig, UserValuesWinAndCollectionsAreUnions) {
    Json user = Json::parse(R"({
        "User": "root", "Env": ["A=2", "B=3"], "Labels": {"l1": "u"},
        "ExposedPorts": {"443/tcp": {}}, "Volumes": {"/logs": {}},
        "Healthcheck": {"Test": ["CMD", "false"], "Timeout": 7}
    })");
    Json m = merge_commit_config(user, container_config());
    EXPECT_EQ(m["User"], "root");
    // A=2 stays (same key), PATH comes from the container, after the user's entries.
    EXPECT_EQ(m["Env"], Json::parse(R"(["A=2", "B=3", "PATH=/bin"])"));
    EXPECT_EQ(m["Labels"], Json::parse(R"({"l1": "u", "l2": "c"})"));
    EXPECT_EQ(m["ExposedPorts"], Json::parse(R"({"443/tcp": {}, "80/tcp": {}})"));
    EXPECT_EQ(m["Volumes"], Json::parse(R"({"/data": {}, "/logs": {}})"));
    EXPECT_EQ(m["Healthcheck"]["Test"], Json::parse(R"(["CMD", "false"])"));
    EXPECT_EQ(m["Healthcheck"]["Timeout"], 7);
    EXPECT_EQ(m["Healthcheck"]["Interval"], 5000000000);  // filled field by field
    EXPECT_EQ(m["Healthcheck"]["Retries"], 3);
}

TEST(CommitConfig, CmdIsInheritedOnlyWithoutEntrypointAndCmd) {
    Json c = container_config();
    c["Entrypoint"] = Json::parse(R"(["/init"])");
    Json with_ep = merge_commit_config(Json::parse(R"({"Entrypoint": ["/bin/x"]})"), c);
    EXPECT_EQ(with_ep["Entrypoint"], Json::parse(R"(["/bin/x"])"));
    EXPECT_TRUE(!with_ep.contains("Cmd") || with_ep["Cmd"].is_null());

    Json with_cmd = merge_commit_config(Json::parse(R"({"Cmd": ["ls"]})"), c);
    EXPECT_EQ(with_cmd["Cmd"], Json::parse(R"(["ls"])"));
    EXPECT_EQ(with_cmd["Entrypoint"], Json::parse(R"(["/init"])"));

    // An explicit empty Entrypoint clears it rather than inheriting.
    Json cleared = merge_commit_config(Json::parse(R"({"Entrypoint": []})"), c);
    EXPECT_EQ(cleared["Entrypoint"], Json::array());
    EXPECT_EQ(cleared["Cmd"], c["Cmd"]);
}

TEST(CommitConfig, LabelsAreAlwaysAMap) {
    Json m = merge_commit_config(Json::object(), Json::object());
    EXPECT_EQ(m["Labels"], Json::object());
}

TEST(CommitConfig, ChangesTouchOnlyWhatTheyName) {
    Json c = container_config();
    Json out = apply_changes_to_config(
        c, {"CMD [\"/bin/sh\", \"-c\", \"cat /f\"]", "ENV A=9 C=4", "LABEL who=me", "EXPOSE 8080",
            "VOLUME /v", "WORKDIR /w", "USER 1000", "STOPSIGNAL SIGTERM", "ONBUILD RUN true",
            "ENTRYPOINT echo"});
    EXPECT_EQ(out["Hostname"], "abc123");
    EXPECT_EQ(out["Image"], "busybox");
    EXPECT_EQ(out["Cmd"], Json::parse(R"(["/bin/sh", "-c", "cat /f"])"));
    EXPECT_EQ(out["Entrypoint"], Json::parse(R"(["/bin/sh", "-c", "echo"])"));
    EXPECT_EQ(out["Env"], Json::parse(R"(["PATH=/bin", "A=9", "C=4"])"));
    EXPECT_EQ(out["Labels"]["who"], "me");
    EXPECT_EQ(out["Labels"]["l1"], "c");
    EXPECT_TRUE(out["ExposedPorts"].contains("8080/tcp"));
    EXPECT_TRUE(out["ExposedPorts"].contains("80/tcp"));
    EXPECT_TRUE(out["Volumes"].contains("/v"));
    EXPECT_EQ(out["WorkingDir"], "/w");
    EXPECT_EQ(out["User"], "1000");
    EXPECT_EQ(out["StopSignal"], "SIGTERM");
    EXPECT_EQ(out["OnBuild"], Json::parse(R"(["RUN true"])"));
    EXPECT_EQ(out["Healthcheck"], c["Healthcheck"]);
}

TEST(CommitConfig, NoChangesLeaveTheConfigAsItWas) {
    Json c = container_config();
    EXPECT_EQ(apply_changes_to_config(c, {}), c);
}

TEST(CommitConfig, BadChangesNameTheInstruction) {
    try {
        apply_changes_to_config(Json::object(), {"CMD ls", "RUN rm -rf /"});
        FAIL() << "RUN accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("RUN"), std::string::npos) << e.what();
    }
    EXPECT_THROW(apply_changes_to_config(Json::object(), {"ENV"}), Error);
    EXPECT_THROW(apply_changes_to_config(Json::object(), {"ONBUILD FROM busybox"}), Error);
    EXPECT_THROW(apply_changes_to_config(Json::object(), {"ONBUILD ONBUILD RUN x"}), Error);
}

TEST(CommitConfig, ChildImageAppendsLayerAndHistory) {
    Json parent = Json::parse(R"({
        "architecture": "arm64", "variant": "v8", "os": "linux",
        "config": {"Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:1111111111111111111111111111111111111111111111111111111111111111"]},
        "history": [{"created": "2020-01-01T00:00:00Z", "created_by": "base"}]
    })");
    ChildImage child;
    child.container_id = "c0ffee";
    child.config = Json::parse(R"({"Cmd": ["cat", "/f"]})");
    child.container_config = container_config();
    child.author = "Ann <a@b>";
    child.comment = "added /f";
    child.created = "2026-01-02T03:04:05.000000006Z";
    child.diff_id = Digest::sha256_of("layer");
    Json out = child_image_config(parent, child);
    EXPECT_EQ(out["architecture"], "arm64");
    EXPECT_EQ(out["variant"], "v8");
    EXPECT_EQ(out["os"], "linux");
    EXPECT_EQ(out["config"], child.config);
    EXPECT_EQ(out["container"], "c0ffee");
    EXPECT_EQ(out["container_config"], child.container_config);
    EXPECT_EQ(out["author"], "Ann <a@b>");
    EXPECT_EQ(out["created"], child.created);
    ASSERT_EQ(out["rootfs"]["diff_ids"].size(), 2u);
    EXPECT_EQ(out["rootfs"]["diff_ids"][1], child.diff_id->str());
    ASSERT_EQ(out["history"].size(), 2u);
    const Json& h = out["history"][1];
    EXPECT_EQ(h["created_by"], "sh -c echo hi > /f");
    EXPECT_EQ(h["comment"], "added /f");
    EXPECT_EQ(h["author"], "Ann <a@b>");
    EXPECT_FALSE(h.contains("empty_layer"));
}

TEST(CommitConfig, UnchangedContainerAddsAnEmptyLayerHistoryEntryOnly) {
    ChildImage child;
    child.container_config = Json::parse(R"({"Cmd": null})");
    child.created = "2026-01-02T03:04:05Z";
    Json out = child_image_config(nullptr, child);
    EXPECT_EQ(out["rootfs"]["diff_ids"], Json::array());
    EXPECT_EQ(out["history"][0]["empty_layer"], true);
    EXPECT_EQ(out["history"][0]["created_by"], "");
    EXPECT_EQ(out["os"], "linux");
    EXPECT_FALSE(out["architecture"].get<std::string>().empty());
    EXPECT_FALSE(out.contains("author"));
}

TEST(CommitConfig, EmptyLayerDiffIdIsTheEmptyTar) {
    EXPECT_EQ(empty_layer_diff_id().str(),
              "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
}

}  // namespace
}  // namespace berth::image
