// The Binds and Mounts parser against moby's linux_parser behaviour: good specs and every error.
#include "volume/mount_spec.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.hpp"

namespace berth::volume {
namespace {

std::string bind_error(const std::string& raw) {
    try {
        parse_bind(raw);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        return e.what();
    }
    return "(no error)";
}

std::string mount_error(const Json& m, bool check = true) {
    try {
        parse_mount(m, check);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        return e.what();
    }
    return "(no error)";
}

std::string mounts_error(const Json& hc) {
    try {
        container_mounts(hc, true);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(BindSpec, SourceAndDestination) {
    auto m = parse_bind("/host/dir:/data");
    EXPECT_EQ(m.type, "bind");
    EXPECT_EQ(m.source, "/host/dir");
    EXPECT_EQ(m.destination, "/data");
    EXPECT_TRUE(m.rw);
    EXPECT_EQ(m.mode, "");
    EXPECT_EQ(m.propagation, "rprivate");
    EXPECT_TRUE(m.create_source);
}

TEST(BindSpec, ModesReadOnlyLabelPropagation) {
    auto m = parse_bind("/a:/b:ro,Z,rshared");
    EXPECT_FALSE(m.rw);
    EXPECT_EQ(m.mode, "ro,Z,rshared");
    EXPECT_EQ(m.propagation, "rshared");
    EXPECT_TRUE(parse_bind("/a:/b:rw").rw);
    EXPECT_TRUE(parse_bind("/a:/b:z").rw);
    EXPECT_EQ(parse_bind("/a:/b:slave").propagation, "slave");
    EXPECT_EQ(parse_bind("/a:/b:private,cached").propagation, "private");
}

TEST(BindSpec, PathsAreCleaned) {
    auto m = parse_bind("/a//b/../c/:/x/./y/");
    EXPECT_EQ(m.source, "/a/c");
    EXPECT_EQ(m.destination, "/x/y");
}

TEST(BindSpec, NamedAndAnonymousVolumes) {
    auto named = parse_bind("data:/x");
    EXPECT_EQ(named.type, "volume");
    EXPECT_EQ(named.source, "data");
    EXPECT_FALSE(named.create_source);
    auto anon = parse_bind("/x");
    EXPECT_EQ(anon.type, "volume");
    EXPECT_EQ(anon.source, "");
    EXPECT_EQ(anon.destination, "/x");
    EXPECT_EQ(parse_bind("data:/x:nocopy").type, "volume");
}

TEST(BindSpec, Errors) {
    EXPECT_EQ(bind_error(""), "invalid volume specification: ''");
    EXPECT_EQ(bind_error(":/x"), "invalid volume specification: ':/x'");
    EXPECT_EQ(bind_error("/a:/b:ro:x"), "invalid volume specification: '/a:/b:ro:x'");
    EXPECT_EQ(bind_error("/foo:rw"), "invalid volume specification: '/foo:rw'");
    EXPECT_EQ(bind_error("/a:"), "invalid volume specification: '/a:'");
    EXPECT_EQ(bind_error("/a:/b:xyz"), "invalid mode: xyz");
    EXPECT_EQ(bind_error("/a:/b:ro,rw"), "invalid mode: ro,rw");
    EXPECT_EQ(bind_error("/a:/b:shared,slave"), "invalid mode: shared,slave");
    EXPECT_EQ(bind_error("/a:/b:z,Z"), "invalid mode: z,Z");
    EXPECT_EQ(bind_error("/a:/"),
              "invalid volume specification: '/a:/': invalid mount config for type \"bind\": "
              "invalid specification: "
              "destination can't be '/'");
    EXPECT_EQ(bind_error("/a:/x/.."),
              "invalid volume specification: '/a:/x/..': invalid mount config for type \"bind\": "
              "invalid specification: "
              "destination can't be '/'");
    EXPECT_EQ(bind_error("/a:rel"),
              "invalid volume specification: '/a:rel': invalid mount config for type \"bind\": "
              "invalid mount path: 'rel' "
              "mount path must be absolute");
    // moby turns nocopy into VolumeOptions, which a bind must not have.
    EXPECT_EQ(bind_error("/a:/b:nocopy"),
              "invalid volume specification: '/a:/b:nocopy': invalid mount config for type "
              "\"bind\": field VolumeOptions "
              "must not be specified");
    EXPECT_EQ(bind_error("name:/b:rshared"),
              "invalid volume specification: 'name:/b:rshared': invalid mount config for type "
              "\"volume\": field "
              "BindOptions must not be specified");
    EXPECT_EQ(bind_error("rel"),
              "invalid volume specification: 'rel': invalid mount config for type \"volume\": "
              "invalid mount path: 'rel' "
              "mount path must be absolute");
}

class MountSpec : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-mount-spec.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
};

TEST_F(MountSpec, Bind) {
    auto m = parse_mount(
        {{"Type", "bind"}, {"Source", dir_ + "/"}, {"Target", "/data"}, {"ReadOnly", true}}, true);
    EXPECT_EQ(m.type, "bind");
    EXPECT_EQ(m.source, dir_);
    EXPECT_EQ(m.destination, "/data");
    EXPECT_FALSE(m.rw);
    EXPECT_EQ(m.mode, "");
    EXPECT_EQ(m.propagation, "rprivate");
    EXPECT_FALSE(m.create_source);
    auto s = parse_mount({{"Type", "bind"},
                          {"Source", dir_},
                          {"Target", "/d"},
                          {"BindOptions", {{"Propagation", "rslave"}}}},
                         true);
    EXPECT_EQ(s.propagation, "rslave");
    EXPECT_TRUE(s.rw);
}

TEST_F(MountSpec, BindSourceMustExistUnlessCreateMountpoint) {
    std::string missing = dir_ + "/missing";
    EXPECT_EQ(
        mount_error({{"Type", "bind"}, {"Source", missing}, {"Target", "/d"}}),
        "invalid mount config for type \"bind\": bind source path does not exist: " + missing);
    // Not checked when asked not to (inspect, start).
    EXPECT_EQ(mount_error({{"Type", "bind"}, {"Source", missing}, {"Target", "/d"}}, false),
              "(no error)");
    auto m = parse_mount({{"Type", "bind"},
                          {"Source", missing},
                          {"Target", "/d"},
                          {"BindOptions", {{"CreateMountpoint", true}}}},
                         true);
    EXPECT_TRUE(m.create_source);
    struct stat st {};
    EXPECT_NE(::stat(missing.c_str(), &st), 0) << "parsing must not create the source";
}

TEST_F(MountSpec, BindErrors) {
    auto bind = [&](Json extra) {
        Json m = {{"Type", "bind"}, {"Source", dir_}, {"Target", "/d"}};
        m.update(extra);
        return mount_error(m);
    };
    EXPECT_EQ(bind({{"Target", ""}}),
              "invalid mount config for type \"bind\": field Target must not be empty");
    EXPECT_EQ(
        bind({{"Target", "/"}}),
        "invalid mount config for type \"bind\": invalid specification: destination can't be '/'");
    EXPECT_EQ(bind({{"Target", "d"}}),
              "invalid mount config for type \"bind\": invalid mount path: 'd' mount path must be "
              "absolute");
    EXPECT_EQ(bind({{"Source", ""}}),
              "invalid mount config for type \"bind\": field Source must not be empty");
    EXPECT_EQ(bind({{"Source", "rel"}}),
              "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must "
              "be absolute");
    EXPECT_EQ(bind({{"BindOptions", {{"Propagation", "bogus"}}}}),
              "invalid mount config for type \"bind\": invalid propagation mode: bogus");
    EXPECT_EQ(bind({{"VolumeOptions", {{"NoCopy", true}}}}),
              "invalid mount config for type \"bind\": field VolumeOptions must not be specified");
    EXPECT_EQ(bind({{"ReadOnly", "yes"}}), "invalid JSON: Mount.ReadOnly must be a boolean");
}

TEST(TmpfsMount, Options) {
    auto m = parse_mount({{"Type", "tmpfs"}, {"Target", "/t"}}, true);
    EXPECT_EQ(m.type, "tmpfs");
    EXPECT_EQ(m.tmpfs_data, "");
    EXPECT_EQ(m.source, "");
    EXPECT_EQ(m.propagation, "");
    auto t =
        parse_mount({{"Type", "tmpfs"},
                     {"Target", "/t"},
                     {"ReadOnly", true},
                     {"TmpfsOptions",
                      {{"SizeBytes", 64 * 1024 * 1024}, {"Mode", 01777}, {"Options", {{"exec"}}}}}},
                    true);
    EXPECT_EQ(t.tmpfs_data, "ro,mode=1777,size=64m,exec");
    EXPECT_FALSE(t.rw);
    EXPECT_EQ(parse_mount({{"Type", "tmpfs"},
                           {"Target", "/t"},
                           {"TmpfsOptions", {{"SizeBytes", int64_t{3} << 30}}}},
                          true)
                  .tmpfs_data,
              "size=3g");
    EXPECT_EQ(
        parse_mount({{"Type", "tmpfs"}, {"Target", "/t"}, {"TmpfsOptions", {{"SizeBytes", 4096}}}},
                    true)
            .tmpfs_data,
        "size=4k");
    EXPECT_EQ(
        parse_mount({{"Type", "tmpfs"}, {"Target", "/t"}, {"TmpfsOptions", {{"SizeBytes", 1000}}}},
                    true)
            .tmpfs_data,
        "size=1000");
}

TEST(TmpfsMount, Errors) {
    EXPECT_EQ(mount_error({{"Type", "tmpfs"}, {"Target", "/t"}, {"Source", "/x"}}),
              "invalid mount config for type \"tmpfs\": field Source must not be specified");
    EXPECT_EQ(mount_error({{"Type", "tmpfs"}, {"Target", "/t"}, {"BindOptions", Json::object()}}),
              "invalid mount config for type \"tmpfs\": field BindOptions must not be specified");
    EXPECT_EQ(
        mount_error(
            {{"Type", "tmpfs"}, {"Target", "/t"}, {"TmpfsOptions", {{"Options", {{"suid"}}}}}}),
        "invalid mount config for type \"tmpfs\": invalid option: suid");
    EXPECT_EQ(mount_error({{"Type", "tmpfs"},
                           {"Target", "/t"},
                           {"TmpfsOptions", {{"Options", {{"exec", "a", "b"}}}}}}),
              "invalid mount config for type \"tmpfs\": invalid option array length");
    EXPECT_EQ(mount_error({{"Type", "tmpfs"}}),
              "invalid mount config for type \"tmpfs\": field Target must not be empty");
}

TEST(OtherMounts, UnknownTypes) {
    EXPECT_EQ(mount_error({{"Type", "npipe"}, {"Source", "/x"}, {"Target", "/t"}}),
              "invalid mount config for type \"npipe\": mount type unknown");
    EXPECT_EQ(mount_error({{"Type", "cluster"}, {"Source", "x"}, {"Target", "/t"}}),
              "invalid mount config for type \"cluster\": mount type unknown");
    EXPECT_EQ(mount_error({{"Source", "/x"}, {"Target", "/t"}}),
              "invalid mount config for type \"\": mount type unknown");
    EXPECT_EQ(mount_error({{"Type", "volume"}, {"Target", "/t"}, {"ReadOnly", true}}),
              "invalid mount config for type \"volume\": must not set ReadOnly mode when using "
              "anonymous volumes");
    EXPECT_EQ(mount_error(Json::array()),
              "invalid JSON: HostConfig.Mounts entries must be objects");
}

TEST(ContainerMounts, BindsThenMounts) {
    Json hc = {{"Binds", {"/a:/x:ro", "/b:/y"}},
               {"Mounts", {{{"Type", "tmpfs"}, {"Target", "/t"}}}}};
    auto ms = container_mounts(hc, true);
    ASSERT_EQ(ms.size(), 3u);
    EXPECT_EQ(ms[0].destination, "/x");
    EXPECT_EQ(ms[1].destination, "/y");
    EXPECT_EQ(ms[2].type, "tmpfs");
    EXPECT_EQ(inspect_json(ms[0]), (Json{{"Type", "bind"},
                                         {"Source", "/a"},
                                         {"Destination", "/x"},
                                         {"Mode", "ro"},
                                         {"RW", false},
                                         {"Propagation", "rprivate"}}));
    EXPECT_EQ(inspect_json(ms[2]), (Json{{"Type", "tmpfs"},
                                         {"Source", ""},
                                         {"Destination", "/t"},
                                         {"Mode", ""},
                                         {"RW", true},
                                         {"Propagation", ""}}));
    EXPECT_TRUE(container_mounts(Json::object(), true).empty());
    EXPECT_TRUE(container_mounts(Json(), true).empty());
}

TEST(ContainerMounts, DuplicatesAndVolumesRefused) {
    EXPECT_EQ(mounts_error({{"Binds", {"/a:/x", "/b:/x/"}}}), "Duplicate mount point: /x");
    EXPECT_EQ(mounts_error({{"Binds", {"/a:/x"}}, {"Tmpfs", {{"/x", ""}}}}),
              "Duplicate mount point: /x");
    EXPECT_EQ(
        mounts_error({{"Binds", {"/a:/x"}}, {"Mounts", {{{"Type", "tmpfs"}, {"Target", "/x/"}}}}}),
        "Duplicate mount point: /x/");
    EXPECT_EQ(mounts_error({{"Binds", {"data:/x"}}}),
              "named volumes are not supported by berthd yet (HostConfig.Binds: data:/x)");
    EXPECT_EQ(mounts_error({{"Binds", {"/x"}}}),
              "anonymous volumes are not supported by berthd yet (HostConfig.Binds: /x)");
    EXPECT_EQ(mounts_error({{"Mounts", {{{"Type", "volume"}, {"Source", "v"}, {"Target", "/x"}}}}}),
              "named volumes are not supported by berthd yet (HostConfig.Mounts: "
              "type=volume,source=v,target=/x)");
    EXPECT_EQ(mounts_error({{"Binds", {1}}}),
              "invalid JSON: HostConfig.Binds entries must be strings");
}

TEST(BindRecursion, BindsModeWords) {
    auto plain = parse_bind("/a:/x:ro");
    EXPECT_FALSE(plain.rw);
    EXPECT_FALSE(plain.read_only_non_recursive);
    EXPECT_FALSE(plain.read_only_force_recursive);
    auto writable = parse_bind("/a:/x:ro-non-recursive");
    EXPECT_FALSE(writable.rw) << "ro-non-recursive is read-only";
    EXPECT_TRUE(writable.read_only_non_recursive);
    for (const char* word : {"ro-force-recursive", "rro"}) {
        auto forced = parse_bind(std::string("/a:/x:") + word + ",rprivate");
        EXPECT_FALSE(forced.rw) << word;
        EXPECT_TRUE(forced.read_only_force_recursive) << word;
        EXPECT_EQ(forced.mode, std::string(word) + ",rprivate");
    }
    EXPECT_EQ(bind_error("/a:/x:ro,rro"), "invalid mode: ro,rro") << "one read-write word at most";
    EXPECT_EQ(
        bind_error("data:/x:rro"),
        "mount mode \"rro\" requires a bind mount: invalid volume specification: 'data:/x:rro'");
}

TEST(BindRecursion, MountsBindOptions) {
    auto m = [](Json bind_options, bool read_only) {
        return Json{{"Type", "bind"},
                    {"Source", "/"},
                    {"Target", "/x"},
                    {"ReadOnly", read_only},
                    {"BindOptions", bind_options}};
    };
    auto nonrec = parse_mount(m({{"NonRecursive", true}}, false), true);
    EXPECT_TRUE(nonrec.non_recursive);
    EXPECT_TRUE(
        parse_mount(m({{"ReadOnlyNonRecursive", true}}, true), true).read_only_non_recursive);
    EXPECT_TRUE(
        parse_mount(m({{"ReadOnlyForceRecursive", true}}, true), true).read_only_force_recursive);
    EXPECT_EQ(mount_error(m({{"ReadOnlyNonRecursive", true}}, false)),
              "invalid mount config for type \"bind\": must not set ReadOnlyNonRecursive when "
              "ReadOnly is false");
    EXPECT_EQ(mount_error(m({{"ReadOnlyForceRecursive", true}}, false)),
              "invalid mount config for type \"bind\": must not set ReadOnlyForceRecursive when "
              "ReadOnly is false");
    EXPECT_EQ(
        mount_error(m({{"ReadOnlyNonRecursive", true}, {"ReadOnlyForceRecursive", true}}, true)),
        "invalid mount config for type \"bind\": must not set both ReadOnlyNonRecursive and "
        "ReadOnlyForceRecursive");
    EXPECT_EQ(mount_error(m({{"NonRecursive", "yes"}}, false)),
              "invalid JSON: Mount.NonRecursive must be a boolean");
}

TEST(BindRecursion, ApiBefore144MakesReadOnlyBindsNonRecursive) {
    Json hc = {
        {"Binds", {"/a:/x:ro", "/a:/y", "/a:/z:rro"}},
        {"Mounts", {{{"Type", "bind"}, {"Source", "/"}, {"Target", "/m"}, {"ReadOnly", true}}}}};
    auto now = container_mounts(hc, true);
    EXPECT_FALSE(now[0].read_only_non_recursive);
    EXPECT_FALSE(now[3].read_only_non_recursive);
    auto old = container_mounts(hc, true, true);
    EXPECT_TRUE(old[0].read_only_non_recursive);
    EXPECT_FALSE(old[1].read_only_non_recursive) << "a writable bind stays as it is";
    EXPECT_TRUE(old[2].read_only_force_recursive) << "an explicit rro word wins";
    EXPECT_FALSE(old[2].read_only_non_recursive);
    EXPECT_TRUE(old[3].read_only_non_recursive);
    Json forced = {{"Mounts",
                    {{{"Type", "bind"},
                      {"Source", "/"},
                      {"Target", "/m"},
                      {"ReadOnly", true},
                      {"BindOptions", {{"ReadOnlyForceRecursive", true}}}}}}};
    try {
        container_mounts(forced, true, true);
        ADD_FAILURE() << "ReadOnlyForceRecursive through API < 1.44 was accepted";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer");
    }
}

TEST_F(MountSpec, CreateMissingSources) {
    std::string deep = dir_ + "/a/b/c";
    auto ms = container_mounts({{"Binds", {deep + ":/x"}}}, true);
    create_missing_sources(ms);
    struct stat st {};
    ASSERT_EQ(::stat(deep.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    // --mount without CreateMountpoint: never created.
    std::string other = dir_ + "/other";
    create_missing_sources(container_mounts(
        {{"Mounts", {{{"Type", "bind"}, {"Source", other}, {"Target", "/y"}}}}}, false));
    EXPECT_NE(::stat(other.c_str(), &st), 0);
}

TEST(CleanPath, LikeGo) {
    EXPECT_EQ(clean_path(""), ".");
    EXPECT_EQ(clean_path("/"), "/");
    EXPECT_EQ(clean_path("/../a"), "/a");
    EXPECT_EQ(clean_path("a/../.."), "..");
    EXPECT_EQ(clean_path("//a//b/./c/"), "/a/b/c");
}

}  // namespace
}  // namespace berth::volume
