// trusted_proxies as a client behind a proxy, or one pretending to be, observes it: the
// address in the request log and the per-address session limit come from
// X-Forwarded-For / Forwarded only when the connection's peer is a trusted proxy, and
// then from the rightmost hop that is not one; otherwise those headers change nothing.
#include "integration/fixture.hpp"
#include "support/reply_app.hpp"

namespace bits::test {
namespace {

class TrustedProxies : public daemon_test {
 protected:
  /// "/up/" with `trusted` as trusted_proxies (none: the key is not written).
  ::testing::AssertionResult start_trusting(std::vector<std::string> const& trusted,
                                            std::uint64_t per_address = 0) {
    auto options = up_options();
    if (!trusted.empty()) options.server.set("trusted_proxies", trusted);
    if (per_address > 0) options.vdirs[0].set("max_sessions_per_address", per_address);
    return start_config(options);
  }

  /// A Ping to /up/ with `extra` fields; its status.
  int ping_with(header_list const& extra) {
    auto client = connect();
    return client.bits_post("/up/", "Ping", extra).status;
  }

  /// The request log lines of Pings, in order.
  std::vector<std::string> ping_lines() {
    std::vector<std::string> lines;
    std::istringstream log(server().log());
    for (std::string line; std::getline(log, line);) {
      if (line.find(" BITS_POST /up/ Ping ") != std::string::npos) lines.push_back(line);
    }
    return lines;
  }
};

TEST_F(TrustedProxies, ATrustedPeerNamesTheClientInXForwardedFor) {
  ASSERT_TRUE(start_trusting({"127.0.0.0/8"}));
  // The client forged the first hop; the trusted proxy 127.0.0.5 appended what it saw.
  ASSERT_EQ(
      ping_with({{"X-Forwarded-For", "6.6.6.6, 203.0.113.7"}, {"X-Forwarded-For", "127.0.0.5"}}),
      200);
  auto const lines = ping_lines();
  ASSERT_EQ(lines.size(), 1u) << server().log();
  EXPECT_NE(lines[0].find(" 203.0.113.7:0 BITS_POST"), std::string::npos) << lines[0];
}

TEST_F(TrustedProxies, ForwardedIsReadWhenThereIsNoXForwardedFor) {
  ASSERT_TRUE(start_trusting({"127.0.0.1"}));
  ASSERT_EQ(ping_with({{"Forwarded", R"(for=192.0.2.43;proto=http, for="[2001:db8::7]:4711")"}}),
            200);
  auto const lines = ping_lines();
  ASSERT_EQ(lines.size(), 1u) << server().log();
  EXPECT_NE(lines[0].find(" 2001:db8::7:0 BITS_POST"), std::string::npos) << lines[0];
}

TEST_F(TrustedProxies, HeadersFromAnUntrustedPeerAreIgnored) {
  ASSERT_TRUE(start_trusting({"10.0.0.0/8", "::1"}));
  ASSERT_EQ(ping_with({{"X-Forwarded-For", "203.0.113.7"}, {"Forwarded", "for=192.0.2.43"}}), 200);
  auto const lines = ping_lines();
  ASSERT_EQ(lines.size(), 1u) << server().log();
  EXPECT_NE(lines[0].find(" 127.0.0.1:"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("203.0.113.7"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("192.0.2.43"), std::string::npos) << lines[0];
}

TEST_F(TrustedProxies, WithoutTrustedProxiesTheHeadersAreIgnored) {
  ASSERT_TRUE(start_trusting({}));
  ASSERT_EQ(ping_with({{"X-Forwarded-For", "203.0.113.7"}}), 200);
  auto const lines = ping_lines();
  ASSERT_EQ(lines.size(), 1u) << server().log();
  EXPECT_EQ(lines[0].find("203.0.113.7"), std::string::npos) << lines[0];
}

TEST_F(TrustedProxies, AnUnreadableHopStopsTheWalkAtTheLastTrustedOne) {
  ASSERT_TRUE(start_trusting({"127.0.0.1", "198.51.100.0/24"}));
  ASSERT_EQ(ping_with({{"X-Forwarded-For", "203.0.113.7, unknown, 198.51.100.9"}}), 200);
  auto const lines = ping_lines();
  ASSERT_EQ(lines.size(), 1u) << server().log();
  EXPECT_NE(lines[0].find(" 198.51.100.9:0 BITS_POST"), std::string::npos) << lines[0];
}

TEST_F(TrustedProxies, PerAddressSessionLimitCountsTheForwardedClient) {
  ASSERT_TRUE(start_trusting({"127.0.0.1"}, 1));
  auto create_as = [this](std::string const& client) {
    auto c = connect();
    return c.bits_post("/up/" + client + ".bin", "Create-Session",
                       {{"X-Forwarded-For", client},
                        {"BITS-Supported-Protocols", "{7df0354d-249b-430f-820d-3d2a9bef4931}"}});
  };
  EXPECT_EQ(create_as("203.0.113.7").status, 200);
  EXPECT_EQ(create_as("203.0.113.8").status, 200) << "another client behind the same proxy";
  auto const again = create_as("203.0.113.7");
  EXPECT_NE(again.status, 200) << "a second session of the same forwarded client: " << again;
}

TEST_F(TrustedProxies, BadEntriesAreConfigurationErrors) {
  auto options = up_options();
  options.server.set("trusted_proxies", std::vector<std::string>{"10.0.0.0/33", "proxy.example"});
  ASSERT_TRUE(write_config(tmp() / "bad.toml", options));
  auto const r = run_to_exit(openbitsd_path(), {"--check-config", (tmp() / "bad.toml").string()});
  EXPECT_EQ(r.status.code, 1) << r.output;
  EXPECT_NE(r.output.find("server.trusted_proxies[1]: prefix length too long"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("server.trusted_proxies[2]: not an IP address or CIDR network"),
            std::string::npos)
      << r.output;
}

/// The BITS-Reply-URL of an upload-reply upload of `data` to /up/<name> whose
/// Fragment carries `extra` (a proxy's fields); "" after a test failure.
std::string reply_url_with(raw_client& client, std::string const& name, header_list extra) {
  std::string const data = "reply me";
  auto const id = client.create_session("/up/" + name);
  if (id.empty()) return {};
  extra.emplace_back("BITS-Session-Id", id);
  extra.emplace_back("Content-Range", content_range(0, data.size() - 1, data.size()));
  auto const r = client.bits_post("/up/" + name, "Fragment", extra, data);
  EXPECT_TRUE(is_reply_ack(r, data.size()));
  EXPECT_EQ(client.close_session("/up/" + name, id).status, 200);
  return r.header_or_empty("BITS-Reply-URL");
}

TEST_F(TrustedProxies, ReplyUrlsAreHttpsOnlyWhenATrustedProxySaysItTerminatedTls) {
  if (!reply_app::available()) GTEST_SKIP() << "no python3 for the reply application";
  reply_app app(tmp());
  auto options = up_options();
  options.server.set("trusted_proxies", std::vector<std::string>{"127.0.0.1"});
  options.vdirs[0].set("notification_type", "value").set("notification_url", app.url("ok"));
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  EXPECT_TRUE(reply_url_with(client, "plain.bin", {}).starts_with("http://"));
  EXPECT_TRUE(
      reply_url_with(client, "xfp.bin", {{"X-Forwarded-Proto", "https"}}).starts_with("https://"));
  EXPECT_TRUE(reply_url_with(client, "fwd.bin", {{"Forwarded", "for=192.0.2.43;proto=https"}})
                  .starts_with("https://"));
  // The proxy connecting here wrote the last item: a client's forged one does not count.
  EXPECT_TRUE(reply_url_with(client, "forged.bin", {{"X-Forwarded-Proto", "https, http"}})
                  .starts_with("http://"));
  app.stop();
}

TEST_F(TrustedProxies, AnUntrustedPeerCannotMakeReplyUrlsHttps) {
  if (!reply_app::available()) GTEST_SKIP() << "no python3 for the reply application";
  reply_app app(tmp());
  auto options = up_options();
  options.server.set("trusted_proxies", std::vector<std::string>{"10.0.0.0/8"});
  options.vdirs[0].set("notification_type", "value").set("notification_url", app.url("ok"));
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  EXPECT_TRUE(
      reply_url_with(client, "xfp.bin", {{"X-Forwarded-Proto", "https"}}).starts_with("http://"));
  app.stop();
}

}  // namespace
}  // namespace bits::test
