// docs/openbitsd.example.toml must stay valid, document every key, and show the
// built-in defaults (except the example url and root). The key lists below are the
// public names operators' files rely on: changing one here is a breaking change.
#include "config/load.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <string>

namespace bits::config {
namespace {

std::string const example = EXAMPLE_CONFIG;

std::set<std::string> const server_keys{
    "listen",           "io_threads",       "disk_threads",    "log_level",
    "max_header_bytes", "max_header_count", "idle_timeout",    "header_timeout",
    "read_timeout",     "write_timeout",    "shutdown_grace",  "sync_interval",
    "tombstone_ttl",    "session_wait",     "max_connections", "max_connections_per_address",
    "max_url_bytes",    "tls_cert",         "tls_key",         "tls_client_ca",
    "tls_min_version"};

std::set<std::string> const vdir_keys{"url",
                                      "root",
                                      "spool_dir",
                                      "upload_enabled",
                                      "downloads_enabled",
                                      "max_upload_size",
                                      "max_fragment_size",
                                      "allow_overwrites",
                                      "create_dirs",
                                      "dir_mode",
                                      "session_timeout",
                                      "cleanup_interval",
                                      "host_id",
                                      "host_id_fallback_timeout",
                                      "notification_type",
                                      "notification_url",
                                      "notification_timeout",
                                      "max_sessions",
                                      "max_sessions_per_user",
                                      "max_sessions_per_address",
                                      "evict_idle_after",
                                      "max_spool_bytes",
                                      "min_free_disk",
                                      "auth",
                                      "htpasswd",
                                      "realm",
                                      "allow_basic_over_http"};

std::set<std::string> keys_of(toml::table const& table) {
  std::set<std::string> out;
  for (auto&& [key, node] : table) out.insert(std::string(key.str()));
  return out;
}

TEST(ExampleConfig, IsValid) {
  auto const result = load_config_file(example);
  std::string problems;
  for (auto const& p : result.problems) problems += p.to_string() + "\n";
  EXPECT_TRUE(result.ok()) << problems;
}

TEST(ExampleConfig, ShowsTheDefaults) {
  auto const result = load_config_file(example);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config.server, server_config{});
  ASSERT_EQ(result.config.vdirs.size(), 1u);
  auto vdir = result.config.vdirs[0];
  EXPECT_EQ(vdir.url, "/uploads/");
  EXPECT_EQ(vdir.root, "/srv/openbits/uploads");
  vdir.url = vdir_config{}.url;
  vdir.root = vdir_config{}.root;
  EXPECT_EQ(vdir, vdir_config{});
}

// The loader rejects unknown keys, so the example cannot hold extra ones; this checks
// the other direction: no key is left undocumented.
TEST(ExampleConfig, DocumentsEveryKey) {
  auto const doc = toml::parse_file(example);
  EXPECT_EQ(keys_of(doc), (std::set<std::string>{"server", "vdir"}));
  ASSERT_NE(doc["server"].as_table(), nullptr);
  EXPECT_EQ(keys_of(*doc["server"].as_table()), server_keys);
  auto const* vdirs = doc["vdir"].as_array();
  ASSERT_NE(vdirs, nullptr);
  ASSERT_EQ(vdirs->size(), 1u);
  ASSERT_NE(vdirs->get(0)->as_table(), nullptr);
  EXPECT_EQ(keys_of(*vdirs->get(0)->as_table()), vdir_keys);
}

TEST(ExampleConfig, EveryKeyHasAComment) {
  std::ifstream in(example);
  ASSERT_TRUE(in) << example;
  std::string line;
  int number = 0;
  int keys = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#' || line.front() == '[') continue;
    ++keys;
    EXPECT_NE(line.find(" # "), std::string::npos) << example << ":" << number << ": " << line;
  }
  EXPECT_EQ(keys, static_cast<int>(server_keys.size() + vdir_keys.size()));
}

}  // namespace
}  // namespace bits::config
