#include "config/address.hpp"

#include "config/load.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bits::config {
namespace {

struct listen_case {
  std::string text;
  bool ok;
  std::string host;  // when ok
  std::uint16_t port;
};

void PrintTo(listen_case const& c, std::ostream* os) {
  *os << '"' << c.text << '"';
}

class ParseListen : public testing::TestWithParam<listen_case> {};

TEST_P(ParseListen, Parses) {
  auto const& c = GetParam();
  std::string host = "untouched";
  std::uint16_t port = 4242;
  ASSERT_EQ(check_listen(c.text, host, port).empty(), c.ok) << '"' << c.text << '"';
  if (c.ok) {
    EXPECT_EQ(host, c.host) << c.text;
    EXPECT_EQ(port, c.port) << c.text;
  } else {
    EXPECT_EQ(host, "untouched") << c.text;
    EXPECT_EQ(port, 4242) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseListen,
    testing::Values(
        // accepted
        listen_case{"0.0.0.0:8080", true, "0.0.0.0", 8080},
        listen_case{"127.0.0.1:0", true, "127.0.0.1", 0},
        listen_case{"localhost:65535", true, "localhost", 65535},
        listen_case{"node-1.example.com:443", true, "node-1.example.com", 443},
        listen_case{":8080", true, "", 8080}, listen_case{":0", true, "", 0},
        listen_case{"[::1]:8080", true, "::1", 8080}, listen_case{"[::]:80", true, "::", 80},
        listen_case{"[2001:db8::10]:1", true, "2001:db8::10", 1},
        listen_case{"[::ffff:192.0.2.1]:80", true, "::ffff:192.0.2.1", 80},
        listen_case{"[fe80::1%eth0]:80", true, "fe80::1%eth0", 80},
        listen_case{"0.0.0.0:00080", true, "0.0.0.0", 80},
        // rejected
        listen_case{"", false, "", 0}, listen_case{"8080", false, "", 0},
        listen_case{"localhost", false, "", 0}, listen_case{"localhost:", false, "", 0},
        listen_case{":", false, "", 0}, listen_case{"host:65536", false, "", 0},
        listen_case{"host:99999999999999999999", false, "", 0},
        listen_case{"host:-1", false, "", 0}, listen_case{"host:+80", false, "", 0},
        listen_case{"host: 80", false, "", 0}, listen_case{"host:80 ", false, "", 0},
        listen_case{"host:0x50", false, "", 0}, listen_case{"host:http", false, "", 0},
        listen_case{" host:80", false, "", 0}, listen_case{"ho st:80", false, "", 0},
        listen_case{"-host:80", false, "", 0}, listen_case{"host..example:80", false, "", 0},
        listen_case{"256.0.0.1:80", false, "", 0}, listen_case{"::1:8080", false, "", 0},
        listen_case{"::1", false, "", 0}, listen_case{"[::1]", false, "", 0},
        listen_case{"[::1]:", false, "", 0}, listen_case{"[::1]8080", false, "", 0},
        listen_case{"[::1:8080", false, "", 0}, listen_case{"[]:80", false, "", 0},
        listen_case{"[127.0.0.1]:80", false, "", 0}, listen_case{"[localhost]:80", false, "", 0},
        listen_case{"[fe80::1%]:80", false, "", 0}, listen_case{"[::1]:80:90", false, "", 0},
        listen_case{"http://host:80", false, "", 0},
        listen_case{std::string("host\0:80", 8), false, "", 0}));

TEST(CheckListen, SaysWhatIsWrong) {
  std::string host;
  std::uint16_t port = 0;
  EXPECT_EQ(check_listen("host:", host, port), "missing port number after ':'");
  EXPECT_EQ(check_listen("host", host, port), "missing ':port'");
  EXPECT_EQ(check_listen("host:x", host, port), "port is not a decimal number");
  EXPECT_EQ(check_listen("host:70000", host, port), "port must be in 0..65535");
  EXPECT_EQ(check_listen("::1:80", host, port),
            "IPv6 addresses must be written in brackets, e.g. \"[::1]:8080\"");
  EXPECT_EQ(check_listen("[::1", host, port), "missing ']' after the IPv6 address");
  EXPECT_EQ(check_listen("[::1]80", host, port), "missing ':port' after ']'");
  EXPECT_EQ(check_listen("[nope]:80", host, port), "not an IPv6 address inside '[...]'");
  EXPECT_EQ(check_listen("a_b:80", host, port), "host is not a host name or IPv4 address");
  EXPECT_EQ(check_listen("", host, port), "empty listen address");
  EXPECT_EQ(check_listen("[::1]:80", host, port), "");
}

TEST(HostName, FollowsRfc1123) {
  for (auto const* ok : {"a", "localhost", "node-1", "1node", "a.b", "Example.COM",
                         "xn--bcher-kva.ch", "a1.b2.c3"}) {
    EXPECT_TRUE(is_host_name(ok)) << ok;
  }
  std::string const label63(63, 'a');
  EXPECT_TRUE(is_host_name(label63 + ".com"));
  EXPECT_FALSE(is_host_name(label63 + "a.com"));
  // 4 labels of 63 plus 3 dots = 255 > 253.
  EXPECT_FALSE(is_host_name(label63 + "." + label63 + "." + label63 + "." + label63));
  for (auto const* bad : {"", ".", "a.", ".a", "a..b", "-a", "a-", "a-.b", "a_b", "a b", "a:b",
                          "a/b", "1234", "10.0.0.256", "host.123", "ä.example"}) {
    EXPECT_FALSE(is_host_name(bad)) << bad;
  }
}

TEST(IpLiterals, Ipv4AndIpv6) {
  EXPECT_TRUE(is_ipv4_literal("192.0.2.1"));
  EXPECT_TRUE(is_ipv4_literal("0.0.0.0"));
  EXPECT_FALSE(is_ipv4_literal("192.0.2"));
  EXPECT_FALSE(is_ipv4_literal("192.0.2.256"));
  EXPECT_FALSE(is_ipv4_literal("::1"));
  EXPECT_FALSE(is_ipv4_literal(""));
  EXPECT_TRUE(is_ipv6_literal("::1"));
  EXPECT_TRUE(is_ipv6_literal("::"));
  EXPECT_TRUE(is_ipv6_literal("2001:db8:0:0:0:0:0:1"));
  EXPECT_TRUE(is_ipv6_literal("::ffff:192.0.2.1"));
  EXPECT_FALSE(is_ipv6_literal("[::1]"));
  EXPECT_FALSE(is_ipv6_literal("fe80::1%eth0"));
  EXPECT_FALSE(is_ipv6_literal("192.0.2.1"));
  EXPECT_FALSE(is_ipv6_literal("2001:db8::g"));
  EXPECT_FALSE(is_ipv6_literal(""));
}

}  // namespace
}  // namespace bits::config
