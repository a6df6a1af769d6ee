#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/etc_files.hpp"

using namespace berth::engine;

namespace {
const char* kHost = "domain corp.example\nsearch a.example b.example\nnameserver 127.0.0.53\nnameserver 10.0.0.2\noptions ndots:2\n";
}

TEST(EtcFiles, ResolvConfWithoutSettingsIsTheHostsFiltered) {
    EXPECT_EQ(make_resolv_conf(kHost, "bridge"),
              "domain corp.example\nsearch a.example b.example\nnameserver 10.0.0.2\noptions ndots:2\n");
}

TEST(EtcFiles, DnsSettingsReplaceTheirPartOnly) {
    DnsSettings d;
    d.servers = {"10.9.9.9", "fd00::1"};
    EXPECT_EQ(make_resolv_conf(kHost, "bridge", d),
              "nameserver 10.9.9.9\nnameserver fd00::1\nsearch a.example b.example\noptions ndots:2\n");
    DnsSettings s;
    s.search = {"x.example"};
    s.options = {"ndots:5", "timeout:1"};
    EXPECT_EQ(make_resolv_conf(kHost, "bridge", s), "nameserver 10.0.0.2\nsearch x.example\noptions ndots:5 timeout:1\n");
    DnsSettings dot;
    dot.search = {"."};  // Docker's way to say "no search domains"
    EXPECT_EQ(make_resolv_conf(kHost, "bridge", dot), "nameserver 10.0.0.2\noptions ndots:2\n");
}

TEST(EtcFiles, DnsSettingsWithOnlyALocalHostResolverFallBackAsDockerDoes) {
    DnsSettings s;
    s.search = {"x.example"};
    EXPECT_EQ(make_resolv_conf("nameserver 127.0.0.53\n", "bridge", s),
              "nameserver 8.8.8.8\nnameserver 8.8.4.4\nsearch x.example\n");
}

TEST(EtcFiles, ExtraHostsComeAfterTheDefaultsAndBeforeTheContainersName) {
    std::string h = make_hosts("box", "none", "", {{"db", "10.1.2.3"}, {"v6", "fd00::2"}});
    auto db = h.find("10.1.2.3\tdb\n"), v6 = h.find("fd00::2\tv6\n"), own = h.find("127.0.0.1\tbox\n");
    ASSERT_NE(db, std::string::npos);
    ASSERT_NE(v6, std::string::npos);
    ASSERT_NE(own, std::string::npos);
    EXPECT_LT(h.find("ip6-allrouters"), db);
    EXPECT_LT(v6, own);
    EXPECT_EQ(make_hosts("box", "host", "127.0.0.1 localhost", {{"db", "10.1.2.3"}}),
              "127.0.0.1 localhost\n10.1.2.3\tdb\n");
}

TEST(EtcFiles, ParseExtraHost) {
    EXPECT_EQ(parse_extra_host("db:10.1.2.3"), (std::pair<std::string, std::string>{"db", "10.1.2.3"}));
    EXPECT_EQ(parse_extra_host("v6:fd00::2"), (std::pair<std::string, std::string>{"v6", "fd00::2"}));
    EXPECT_EQ(parse_extra_host("v6:[fd00::2]"), (std::pair<std::string, std::string>{"v6", "fd00::2"}));
    EXPECT_THROW(parse_extra_host("db"), berth::Error);
    EXPECT_THROW(parse_extra_host(":1.2.3.4"), berth::Error);
    try {
        parse_extra_host("db:10.1.2");
        FAIL();
    } catch (const berth::Error& e) {
        EXPECT_STREQ(e.what(), "invalid IP address in add-host: \"10.1.2\"");
    }
    EXPECT_THROW(parse_extra_host("gw:host-gateway"), berth::Error);
}
