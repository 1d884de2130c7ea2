// The tests' config writer follows the settings table: a misspelt key or a value of the
// wrong type fails at once, and what it writes loads as intended.
#include "support/config_writer.hpp"
#include "config/load.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bits::test {
namespace {

TEST(ConfigWriter, RefusesUnknownKeys) {
  vdir_options v;
  EXPECT_THROW(v.set("max_upload_szie", 1), std::invalid_argument);
  EXPECT_THROW(v.set("idle_timeout", 5), std::invalid_argument);  // a [server] key
  EXPECT_THROW((server_values{{"listn", std::vector<std::string>{":80"}}}), std::invalid_argument);
  EXPECT_THROW((vdir_values{{"rot", "/srv"}}), std::invalid_argument);
  EXPECT_NO_THROW(v.set("max_upload_size", 1));
}

TEST(ConfigWriter, RefusesValuesOfTheWrongType) {
  vdir_options v;
  EXPECT_THROW(v.set("max_upload_size", "1000"), std::invalid_argument);
  EXPECT_THROW(v.set("allow_overwrites", 1), std::invalid_argument);
  EXPECT_THROW(v.set("auth", true), std::invalid_argument);
  EXPECT_NO_THROW(v.set("auth", toml_value::raw("true")));
}

TEST(ConfigWriter, RefusesAKeySetTwiceOrBesideItsMember) {
  vdir_options v;
  v.set("realm", "a");
  EXPECT_THROW(v.set("realm", "b"), std::invalid_argument);
  daemon_options options;
  options.vdirs.push_back(vdir_options{}.set("url", "/a/"));
  EXPECT_THROW((void)to_toml(options), std::invalid_argument);
}

TEST(ConfigWriter, WritesWhatTheLoaderReads) {
  daemon_options options;
  options.server.listen = {"127.0.0.1:0", "tls://[::1]:0"};
  options.server.set("idle_timeout", std::chrono::seconds(7))
      .set("log_level", "warn")
      .set("tls_cert", "c.pem")
      .set("tls_key", "k \"quoted\".pem");
  options.vdirs.push_back(vdir_options{"/in/", "/srv/in", {}}
                              .set("max_upload_size", 1000)
                              .set("allow_overwrites", true)
                              .set("notification_type", "value")
                              .set("notification_url", "http://127.0.0.1:1/app"));
  auto const result = config::load_config_text(to_toml(options), "w.toml");
  ASSERT_TRUE(result.ok()) << to_toml(options) << result.problems[0].to_string();
  auto const& s = result.config.server;
  EXPECT_EQ(s.listen.size(), 2u);
  EXPECT_EQ(s.idle_timeout, std::chrono::seconds(7));
  EXPECT_EQ(s.log_level, settings::log_level::warn);
  EXPECT_EQ(s.tls_key, "k \"quoted\".pem");
  auto const& v = result.config.vdirs.at(0);
  EXPECT_EQ(v.url, "/in/");
  EXPECT_EQ(v.root, "/srv/in");
  EXPECT_EQ(v.max_upload_size, 1000u);
  EXPECT_TRUE(v.allow_overwrites);
  EXPECT_EQ(v.notification_type, settings::notification_type::by_value);
}

TEST(ConfigWriter, SetDefaultsSpellsOutEveryKey) {
  daemon_options options;
  options.server.values.set_defaults({"listen"});
  options.vdirs.push_back(vdir_options{"/up/", "/srv/up", {}});
  options.vdirs[0].set("max_sessions", 3).values.set_defaults({"url", "root"});
  auto const text = to_toml(options);
  auto const result = config::load_config_text(text, "d.toml");
  ASSERT_TRUE(result.ok()) << text;
  EXPECT_EQ(result.config.vdirs.at(0).max_sessions, 3u);
  EXPECT_EQ(result.config.vdirs.at(0).min_free_disk, settings::vdir_settings{}.min_free_disk);
  for (auto const& row : settings::vdir_table) {
    EXPECT_NE(text.find("\n" + std::string(row.name) + " = "), std::string::npos) << row.name;
  }
}

}  // namespace
}  // namespace bits::test
