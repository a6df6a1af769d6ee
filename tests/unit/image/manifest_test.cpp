#include "image/manifest.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "image/media_types.hpp"

namespace berth::image {
namespace {

const std::string kA = "sha256:4fbec69b941195fd56f8212a5000e304129451d82efca94ff0e0fb2d5355472e";
const std::string kB = "sha256:77ea7eee3d80b1a38f83906dd3048e2689457eb90e18a7d12f839c5ae37106a2";
const std::string kC = "sha256:95cf1a2e1698fe3ca1fcc3f653119146b271d0b62e487ec264441e886a11bd06";

std::string expect_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::invalid_argument);
        return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
}

TEST(Manifest, OciManifest) {
    std::string json = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
      "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + kA + R"(","size":7023},
      "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + kB + R"(","size":32654,
                 "annotations":{"org.opencontainers.image.title":"l1"}},
                {"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":")" + kC + R"(","size":16724}],
      "annotations":{"com.example.key":"v"}})";
    EXPECT_EQ(detect_manifest_kind(json), ManifestKind::oci_manifest);
    Manifest m = parse_manifest(json);
    EXPECT_FALSE(m.docker);
    EXPECT_EQ(m.config.digest.str(), kA);
    EXPECT_EQ(m.config.size, 7023);
    ASSERT_EQ(m.layers.size(), 2u);
    EXPECT_EQ(m.layers[0].annotations.at("org.opencontainers.image.title"), "l1");
    EXPECT_EQ(media_type::layer_compression(m.layers[0].media_type), media_type::Compression::gzip);
    EXPECT_EQ(media_type::layer_compression(m.layers[1].media_type), media_type::Compression::zstd);
    EXPECT_EQ(m.annotations.at("com.example.key"), "v");
    // Descriptors round-trip through JSON.
    EXPECT_EQ(m.layers[0].to_json()["digest"], kB);
}

TEST(Manifest, OciManifestWithoutMediaTypeDetectedByShape) {
    std::string json = R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json",
      "digest":")" + kA + R"(","size":1},"layers":[]})";
    EXPECT_EQ(detect_manifest_kind(json), ManifestKind::oci_manifest);
    EXPECT_EQ(detect_manifest_kind(json, media_type::kOciManifest), ManifestKind::oci_manifest);
    EXPECT_NO_THROW(parse_manifest(json));
}

TEST(Manifest, DockerSchema2WithForeignLayer) {
    std::string json = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
      "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" + kA + R"(","size":1469},
      "layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":")" + kB +
                       R"(","size":5,"urls":["https://example.com/base.tar.gz"]},
                {"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":")" + kC + R"(","size":9}]})";
    EXPECT_EQ(detect_manifest_kind(json), ManifestKind::docker_manifest);
    Manifest m = parse_manifest(json);
    EXPECT_TRUE(m.docker);
    EXPECT_TRUE(media_type::is_foreign_layer(m.layers[0].media_type));
    EXPECT_EQ(m.layers[0].urls, std::vector<std::string>{"https://example.com/base.tar.gz"});
    EXPECT_FALSE(media_type::is_foreign_layer(m.layers[1].media_type));
}

TEST(Manifest, DockerSchema2RefusesUnknownLayerType) {
    std::string json = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
      "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" + kA + R"(","size":1},
      "layers":[{"mediaType":"text/plain","digest":")" + kB + R"(","size":5}]})";
    auto msg = expect_error([&] { parse_manifest(json); });
    EXPECT_NE(msg.find("layers[0].mediaType"), std::string::npos) << msg;
}

TEST(Manifest, OciIndexAndDockerList) {
    std::string oci = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kA + R"(","size":1,
       "platform":{"architecture":"amd64","os":"linux"}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kB + R"(","size":2,
       "platform":{"architecture":"arm64","os":"linux","variant":"v8","os.features":["x"]}},
      {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kC + R"(","size":3,
       "annotations":{"vnd.docker.reference.type":"attestation-manifest"},
       "platform":{"architecture":"unknown","os":"unknown"}}]})";
    EXPECT_EQ(detect_manifest_kind(oci), ManifestKind::oci_index);
    Index ix = parse_index(oci);
    ASSERT_EQ(ix.manifests.size(), 3u);
    EXPECT_EQ(ix.manifests[1].platform->variant, "v8");
    EXPECT_EQ(ix.manifests[1].platform->os_features, std::vector<std::string>{"x"});

    std::string docker = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
      "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" + kA +
                         R"(","size":1,"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]})";
    EXPECT_EQ(detect_manifest_kind(docker), ManifestKind::docker_manifest_list);
    EXPECT_TRUE(parse_index(docker).docker);
    // Without mediaType, "manifests" means an index.
    EXPECT_EQ(detect_manifest_kind(R"({"schemaVersion":2,"manifests":[]})"), ManifestKind::oci_index);
}

TEST(Manifest, IndexIsNotAManifest) {
    std::string json = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
    auto msg = expect_error([&] { parse_manifest(json); });
    EXPECT_NE(msg.find("select a platform"), std::string::npos) << msg;
}

TEST(Manifest, Schema1Refused) {
    std::string signed_v1 = R"({"schemaVersion":1,"name":"library/busybox","tag":"latest","architecture":"amd64",
      "fsLayers":[{"blobSum":")" + kA + R"("}],"history":[],"signatures":[]})";
    for (auto f : std::vector<std::function<void()>>{
             [&] { detect_manifest_kind(signed_v1); },
             [&] { parse_manifest(signed_v1); },
             [&] { detect_manifest_kind("{}", media_type::kDockerSchema1Signed); },
             [&] {
                 parse_manifest(R"({"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+json"})");
             }}) {
        auto msg = expect_error(f);
        EXPECT_NE(msg.find("unsupported manifest: Docker schema 1"), std::string::npos) << msg;
    }
}

TEST(Manifest, BadJsonNamesTheField) {
    auto base = [](const std::string& layer) {
        return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
          "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + kA + R"(","size":1},
          "layers":[)" + layer + "]}";
    };
    auto msg = expect_error([&] { parse_manifest(base(R"({"mediaType":"x","digest":"sha256:abc","size":1})")); });
    EXPECT_NE(msg.find("layers[0].digest"), std::string::npos) << msg;
    msg = expect_error([&] { parse_manifest(base(R"({"mediaType":"x","digest":")" + kB + R"(","size":"1"})")); });
    EXPECT_NE(msg.find("layers[0].size: expected an integer"), std::string::npos) << msg;
    msg = expect_error([&] { parse_manifest(base(R"({"digest":")" + kB + R"(","size":1})")); });
    EXPECT_NE(msg.find("layers[0].mediaType: required but missing"), std::string::npos) << msg;
    msg = expect_error([&] { parse_manifest(base(R"({"mediaType":"x","digest":")" + kB + R"(","size":-1})")); });
    EXPECT_NE(msg.find("negative"), std::string::npos) << msg;
    msg = expect_error([&] { parse_manifest(R"({"schemaVersion":2,"layers":[]})", "manifest sha256:x"); });
    EXPECT_NE(msg.find("manifest sha256:x: config: required but missing"), std::string::npos) << msg;
    msg = expect_error([&] { parse_manifest("{not json"); });
    EXPECT_NE(msg.find("malformed JSON"), std::string::npos) << msg;
    msg = expect_error([&] { parse_manifest(R"({"schemaVersion":3})"); });
    EXPECT_NE(msg.find("schemaVersion"), std::string::npos) << msg;
}

TEST(ImageConfig, ParsesDockerConfig) {
    std::string json = R"({"architecture":"amd64","os":"linux","created":"2024-01-02T03:04:05.123456789Z",
      "author":"me","config":{"User":"1000:1000","Env":["PATH=/usr/bin","A=b"],"Cmd":["sh"],"Entrypoint":null,
        "WorkingDir":"/app","Labels":{"l":"v"},"ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}},
        "StopSignal":"SIGQUIT","Healthcheck":{"Test":["CMD","true"],"Interval":1000000000,"Retries":3}},
      "rootfs":{"type":"layers","diff_ids":[")" + kA + R"(",")" + kB + R"("]},
      "history":[{"created":"2024-01-01T00:00:00Z","created_by":"/bin/sh -c #(nop) ADD file:x in / "},
                 {"created":"2024-01-01T00:00:01Z","created_by":"CMD [\"sh\"]","empty_layer":true}],
      "future":"kept in raw"})";
    ImageConfig c = parse_image_config(json);
    EXPECT_EQ(c.architecture, "amd64");
    EXPECT_EQ(c.config.user, "1000:1000");
    EXPECT_EQ(c.config.env.size(), 2u);
    EXPECT_EQ(c.config.cmd, std::vector<std::string>{"sh"});
    EXPECT_FALSE(c.config.has_entrypoint);
    EXPECT_EQ(c.config.exposed_ports, (std::vector<std::string>{"53/udp", "80/tcp"}));
    EXPECT_EQ(c.config.volumes, std::vector<std::string>{"/data"});
    ASSERT_TRUE(c.config.healthcheck);
    EXPECT_EQ(c.config.healthcheck->retries, 3);
    EXPECT_EQ(c.diff_ids.size(), 2u);
    ASSERT_EQ(c.history.size(), 2u);
    EXPECT_TRUE(c.history[1].empty_layer);
    EXPECT_EQ(c.raw["future"], "kept in raw");

    Json j = run_config_to_json(c.config);
    EXPECT_EQ(j["Cmd"], Json::array({"sh"}));
    EXPECT_TRUE(j["Entrypoint"].is_null());
    EXPECT_TRUE(j["ExposedPorts"].contains("80/tcp"));
    EXPECT_EQ(j["Labels"]["l"], "v");
    EXPECT_EQ(j["Healthcheck"]["Interval"], 1000000000);
}

TEST(ImageConfig, ErrorsNameTheField) {
    auto msg = expect_error([] { parse_image_config(R"({"architecture":"amd64","os":"linux"})"); });
    EXPECT_NE(msg.find("rootfs: required but missing"), std::string::npos) << msg;
    msg = expect_error([] {
        parse_image_config(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["nope"]}})");
    });
    EXPECT_NE(msg.find("rootfs.diff_ids[0]"), std::string::npos) << msg;
    msg = expect_error([] {
        parse_image_config(R"({"architecture":"amd64","os":"linux","config":{"Env":"A=b"},
                              "rootfs":{"type":"layers","diff_ids":[]}})");
    });
    EXPECT_NE(msg.find("config.Env"), std::string::npos) << msg;
}

TEST(ChainId, KnownVectors) {
    // Computed independently (Python hashlib) from the OCI formula.
    std::vector<Digest> diff = {Digest::parse(kA), Digest::parse(kB), Digest::parse(kC)};
    auto ids = chain_ids(diff);
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[0].str(), kA);
    EXPECT_EQ(ids[1].str(), "sha256:ef232af0eb422cdfd7917631657cd8ed2bfd5b9461b37c427aa0d3e0a19adf79");
    EXPECT_EQ(ids[2].str(), "sha256:7ad3896338947cc04ee0b35b50d400ff32538d63f42f85ec87feac78bf71a54d");
    EXPECT_EQ(chain_id(diff), ids[2]);
    EXPECT_TRUE(chain_id({}).empty());
}

TEST(MediaTypes, Predicates) {
    using namespace media_type;
    EXPECT_TRUE(is_layer(kDockerLayerZstd));
    EXPECT_EQ(layer_compression(kDockerLayer), Compression::none);
    EXPECT_EQ(layer_compression(kOciLayerNondistributableGzip), Compression::gzip);
    EXPECT_FALSE(layer_compression(kOciConfig).has_value());
    EXPECT_EQ(layer_media_type(Compression::gzip, true), kDockerLayerGzip);
    EXPECT_EQ(layer_media_type(Compression::none, false), kOciLayer);
    EXPECT_TRUE(is_index(kDockerManifestList));
    EXPECT_TRUE(is_schema1(kDockerSchema1Signed));
}

}  // namespace
}  // namespace berth::image
