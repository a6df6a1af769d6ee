// Tables, human units, durations and the --format driver against Docker's outputs.
#include <gtest/gtest.h>

#include "cli/commands/timestamps.hpp"
#include "cli/format/display.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/rows.hpp"
#include "cli/format/stats_row.hpp"
#include "cli/format/tab_writer.hpp"
#include "cli/format/units.hpp"
#include "cli/stream/stream_pump.hpp"
#include "cli/stream/terminal.hpp"
#include "common/error.hpp"

namespace berth::cli {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(Units, HumanDurationLikeGoUnits) {
    EXPECT_EQ(human_duration(450'000'000), "Less than a second");
    EXPECT_EQ(human_duration(1 * kSec), "1 second");
    EXPECT_EQ(human_duration(47 * kSec), "47 seconds");
    EXPECT_EQ(human_duration(60 * kSec), "About a minute");
    EXPECT_EQ(human_duration(3 * 60 * kSec), "3 minutes");
    EXPECT_EQ(human_duration((35 * 60 + 40) * kSec), "35 minutes");
    EXPECT_EQ(human_duration(3600 * kSec), "About an hour");
    EXPECT_EQ(human_duration((3600 + 29 * 60) * kSec), "About an hour");
    EXPECT_EQ(human_duration((3600 + 31 * 60) * kSec), "2 hours");
    EXPECT_EQ(human_duration((3 * 3600 + 31 * 60) * kSec), "4 hours");
    EXPECT_EQ(human_duration(24 * 3600 * kSec), "24 hours");
    EXPECT_EQ(human_duration(36 * 3600 * kSec), "36 hours");
    EXPECT_EQ(human_duration(2 * 86400 * kSec), "2 days");
    EXPECT_EQ(human_duration((13 * 86400 + 5 * 3600) * kSec), "13 days");
    EXPECT_EQ(human_duration(14 * 86400 * kSec), "2 weeks");
    EXPECT_EQ(human_duration(30 * 86400 * kSec), "4 weeks");
    EXPECT_EQ(human_duration(44 * 86400 * kSec), "6 weeks");
    EXPECT_EQ(human_duration(60 * 86400 * kSec), "2 months");
    EXPECT_EQ(human_duration(13 * 30 * 86400 * kSec), "13 months");
    EXPECT_EQ(human_duration((24 * 30 + 14) * 86400 * kSec), "2 years");
    EXPECT_EQ(human_duration((3 * 365 + 60) * 86400 * kSec), "3 years");
}

TEST(Units, HumanSizes) {
    EXPECT_EQ(human_size(0), "0B");
    EXPECT_EQ(human_size(999), "999B");
    EXPECT_EQ(human_size(1000), "1kB");
    EXPECT_EQ(human_size(4261000), "4.26MB");
    EXPECT_EQ(human_size(4265000), "4.26MB");  // %.3g, as Go prints it
    EXPECT_EQ(human_size(1234567890), "1.23GB");
    EXPECT_EQ(human_size(1234567890, 4), "1.235GB");
    EXPECT_EQ(bytes_size(25276518400.0), "23.54GiB");
    EXPECT_EQ(bytes_size(1024), "1KiB");
    EXPECT_EQ(bytes_size(0), "0B");
}

TEST(Units, ParseSizes) {
    EXPECT_EQ(ram_in_bytes("64m"), 67108864);
    EXPECT_EQ(ram_in_bytes("64M"), 67108864);
    EXPECT_EQ(ram_in_bytes("64mb"), 67108864);
    EXPECT_EQ(ram_in_bytes("64MiB"), 67108864);
    EXPECT_EQ(ram_in_bytes("1.5g"), 1610612736);
    EXPECT_EQ(ram_in_bytes("100"), 100);
    EXPECT_EQ(ram_in_bytes("32 k"), 32768);
    EXPECT_EQ(from_human_size("1kb"), 1000);
    EXPECT_THROW(ram_in_bytes("64x"), Error);
    EXPECT_THROW(ram_in_bytes(""), Error);
    EXPECT_THROW(ram_in_bytes("-1"), Error);
}

TEST(Units, GoDurations) {
    EXPECT_EQ(parse_go_duration("30s"), 30 * kSec);
    EXPECT_EQ(parse_go_duration("1m30s"), 90 * kSec);
    EXPECT_EQ(parse_go_duration("1.5h"), 5400 * kSec);
    EXPECT_EQ(parse_go_duration("300ms"), 300'000'000);
    EXPECT_EQ(parse_go_duration("-2s"), -2 * kSec);
    EXPECT_EQ(parse_go_duration("0"), 0);
    EXPECT_THROW(parse_go_duration("5"), Error);
    EXPECT_THROW(parse_go_duration("5d"), Error);
    EXPECT_THROW(parse_go_duration(""), Error);
    EXPECT_EQ(format_go_duration(90 * kSec), "1m30s");
    EXPECT_EQ(format_go_duration(1'500'000'000), "1.5s");
    EXPECT_EQ(format_go_duration(300'000'000), "300ms");
    EXPECT_EQ(format_go_duration(3600 * kSec), "1h0m0s");
    EXPECT_EQ(format_go_duration(0), "0s");
}

TEST(Display, EllipsisAndIds) {
    EXPECT_EQ(ellipsis("sleep 1000", 20), "sleep 1000");
    EXPECT_EQ(ellipsis("/bin/sh -c 'while true; do sleep 1; done'", 20),
              "/bin/sh -c 'while t\xE2\x80\xA6");
    EXPECT_EQ(ellipsis("abc", 1), "a");
    EXPECT_EQ(ellipsis("abc", 0), "");
    EXPECT_EQ(ellipsis("\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C", 5),
              "\xE4\xBD\xA0\xE5\xA5\xBD\xE2\x80\xA6");
    EXPECT_EQ(truncate_id("sha256:4f66ad9a0b2e1234567890"), "4f66ad9a0b2e");
    EXPECT_EQ(truncate_id("abc"), "abc");
}

TEST(TabWriter, AlignsLikeGo) {
    TabWriter w(10, 3);
    w.write("CONTAINER ID\tIMAGE\tNAMES\n");
    w.write("4f66ad9a0b2e\tbusybox\tweb\n");
    w.write("a\tx\tlonger-name\n");
    EXPECT_EQ(w.flush(),
              "CONTAINER ID   IMAGE     NAMES\n"
              "4f66ad9a0b2e   busybox   web\n"
              "a              x         longer-name\n");
}

TEST(TabWriter, LinesWithoutTabsEndABlock) {
    TabWriter w(20, 1);
    w.write("Client:\n a:\t1\n longer key:\t2\n\nServer:\n b:\t3\n");
    EXPECT_EQ(w.flush(),
              "Client:\n a:                 1\n longer key:        2\n\nServer:\n b:               "
              "  3\n");
}

TEST(TabWriter, UnicodeWidthAndTrailingText) {
    TabWriter w(1, 1);
    w.write("\xC3\xA9t\xC3\xA9\tx\nab\ty");
    EXPECT_EQ(w.flush(), "\xC3\xA9t\xC3\xA9 x\nab  y");
}

TEST(Formatter, TableJsonAndCustom) {
    std::vector<Json> rows{Json{{"ID", "abc"}, {"Names", "web"}},
                           Json{{"ID", "defgh"}, {"Names", "db"}}};
    Json header{{"ID", "CONTAINER ID"}, {"Names", "NAMES"}};
    FormatOptions table{"table {{.ID}}\\t{{.Names}}", header, nullptr};
    EXPECT_EQ(render_rows(table, rows),
              "CONTAINER ID   NAMES\nabc            web\ndefgh          db\n");
    FormatOptions upper{"table {{upper .Names}}\t{{json .ID}}", header, nullptr};
    EXPECT_EQ(render_rows(upper, rows),
              "NAMES     CONTAINER ID\nWEB       \"abc\"\nDB        \"defgh\"\n");
    FormatOptions json{"json", header, nullptr};
    EXPECT_EQ(render_rows(json, rows),
              "{\"ID\":\"abc\",\"Names\":\"web\"}\n{\"ID\":\"defgh\",\"Names\":\"db\"}\n");
    FormatOptions custom{"{{.Names}}: {{.ID}}", header, nullptr};
    EXPECT_EQ(render_rows(custom, rows), "web: abc\ndb: defgh\n");
    FormatOptions empty_table{"table {{.ID}}", header, nullptr};
    EXPECT_EQ(render_rows(empty_table, {}), "CONTAINER ID\n");
    FormatOptions bad{"{{.ID", header, nullptr};
    EXPECT_THROW(render_rows(bad, rows), Error);
}

TEST(Rows, ContainerRowHasDockerFields) {
    Json c = Json::parse(
        R"({"Id":"4f66ad9a0b2e5e3c6f8b8b7e","Names":["/web"],"Image":"busybox","ImageID":"sha256:1",
      "Command":"sh -c 'while true; do sleep 1; done'","Created":1700000000,"State":"running","Status":"Up 2 minutes",
      "Ports":[{"PrivatePort":80,"PublicPort":8080,"IP":"0.0.0.0","Type":"tcp"},{"PrivatePort":53,"Type":"udp"}],
      "Labels":{"b":"2","a":"1"},"SizeRw":12,"SizeRootFs":4261000,
      "NetworkSettings":{"Networks":{"none":{}}},"Mounts":[{"Name":"vol","Driver":"local"}]})");
    Json row = container_row(c, true);
    EXPECT_EQ(row["ID"], "4f66ad9a0b2e");
    EXPECT_EQ(row["Names"], "web");
    EXPECT_EQ(row["Command"], "\"sh -c 'while true; \xE2\x80\xA6\"");
    EXPECT_EQ(row["Status"], "Up 2 minutes");
    EXPECT_EQ(row["Ports"], "53/udp, 0.0.0.0:8080->80/tcp");
    EXPECT_EQ(row["Labels"], "a=1,b=2");
    EXPECT_EQ(row["Size"], "12B (virtual 4.26MB)");
    EXPECT_EQ(row["Networks"], "none");
    EXPECT_EQ(row["LocalVolumes"], "1");
    EXPECT_EQ(row["Mounts"], "vol");
    EXPECT_TRUE(row["RunningFor"].get<std::string>().ends_with(" ago"));
    Json full = container_row(c, false);
    EXPECT_EQ(full["ID"], "4f66ad9a0b2e5e3c6f8b8b7e");
    EXPECT_EQ(full["Command"], "\"sh -c 'while true; do sleep 1; done'\"");
    // {{json .}} keys come sorted, as Docker marshals a map; docker 27 has Platform (null).
    std::string keys;
    for (auto& [k, v] : row.items()) keys += k + ",";
    EXPECT_EQ(keys,
              "Command,CreatedAt,ID,Image,Labels,LocalVolumes,Mounts,Names,Networks,Platform,"
              "Ports,RunningFor,Size,State,Status,");
    EXPECT_TRUE(row["Platform"].is_null());
}

TEST(Rows, PortsGroupRanges) {
    Json ports = Json::parse(
        R"([{"PrivatePort":80,"Type":"tcp"},{"PrivatePort":81,"Type":"tcp"},{"PrivatePort":82,"Type":"tcp"},
      {"PrivatePort":90,"Type":"tcp"},{"PrivatePort":80,"PublicPort":80,"IP":"0.0.0.0","Type":"tcp"}])");
    EXPECT_EQ(displayable_ports(ports), "80-82/tcp, 90/tcp, 0.0.0.0:80->80/tcp");
    EXPECT_EQ(displayable_ports(Json::array()), "");
}

TEST(Rows, ImageRowsPerTag) {
    Json img = Json::parse(
        R"({"Id":"sha256:aabbccddeeff00112233","RepoTags":["busybox:latest","busybox:1.36","me/app:v1"],
      "RepoDigests":["busybox@sha256:dd"],"Created":1700000000,"Size":4261000,"Containers":-1})");
    auto rows = image_rows(img, true, false);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0]["Repository"], "busybox");
    EXPECT_EQ(rows[0]["Tag"], "latest");
    EXPECT_EQ(rows[0]["Digest"], "sha256:dd");
    EXPECT_EQ(rows[0]["ID"], "aabbccddeeff");
    EXPECT_EQ(rows[0]["Size"], "4.26MB");
    EXPECT_EQ(rows[1]["Tag"], "1.36");
    EXPECT_EQ(rows[2]["Repository"], "me/app");
    EXPECT_EQ(rows[2]["Digest"], "<none>");
    EXPECT_EQ(rows[0]["Containers"], "N/A");
    Json dangling =
        Json::parse(R"({"Id":"sha256:0123456789abcdef","RepoTags":[],"Created":0,"Size":0})");
    auto d = image_rows(dangling, true, false);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0]["Repository"], "<none>");
    EXPECT_EQ(d[0]["Tag"], "<none>");
}

TEST(Rows, StatsRow) {
    Json s = Json::parse(
        R"({"cpu_stats":{"cpu_usage":{"total_usage":300},"system_cpu_usage":2000,"online_cpus":2},
      "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000},
      "memory_stats":{"usage":10485760,"limit":104857600,"stats":{"total_inactive_file":2097152}},
      "networks":{"eth0":{"rx_bytes":1000,"tx_bytes":2000}},
      "blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":4096},{"op":"Write","value":8192}]},
      "pids_stats":{"current":3}})");
    Json row = stats_row(s, "4f66ad9a0b2e5e3c", "web");
    EXPECT_EQ(row["CPUPerc"], "40.00%");
    EXPECT_EQ(row["MemUsage"], "8MiB / 100MiB");
    EXPECT_EQ(row["MemPerc"], "8.00%");
    EXPECT_EQ(row["NetIO"], "1kB / 2kB");
    EXPECT_EQ(row["BlockIO"], "4.1kB / 8.19kB");
    EXPECT_EQ(row["PIDs"], "3");
    EXPECT_EQ(row["ID"], "4f66ad9a0b2e");
}

TEST(Timestamps, SinceAndUntilValues) {
    EXPECT_EQ(api_timestamp("10m", 1700000600), "1700000000");
    EXPECT_EQ(api_timestamp("1700000000", 5), "1700000000");
    EXPECT_EQ(api_timestamp("1700000000.5", 5), "1700000000.5");
    EXPECT_EQ(api_timestamp("2023-11-14T22:13:20Z", 5), "1700000000.000000000");
    EXPECT_EQ(api_timestamp("2023-11-14T23:13:20.25+01:00", 5), "1700000000.250000000");
    EXPECT_EQ(api_timestamp("2023-11-14", 5), "1699920000.000000000");
    EXPECT_THROW(api_timestamp("yesterday", 5), Error);
}

TEST(Detach, KeysAndFilter) {
    EXPECT_EQ(parse_detach_keys("ctrl-p,ctrl-q"), "\x10\x11");
    EXPECT_EQ(parse_detach_keys("a,ctrl-@,ctrl-["), std::string("a\0\x1b", 3));
    EXPECT_THROW(parse_detach_keys("ctrl-1"), Error);
    DetachFilter f("\x10\x11");
    std::string out;
    EXPECT_FALSE(f.feed("ab\x10", 3, out));
    EXPECT_EQ(out, "ab");  // the ctrl-p is held back
    EXPECT_FALSE(f.feed("c", 1, out));
    EXPECT_EQ(out,
              "ab\x10"
              "c");  // not a detach: released
    out.clear();
    EXPECT_FALSE(f.feed("\x10", 1, out));
    EXPECT_TRUE(f.feed("\x11", 1, out));
    EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace berth::cli
