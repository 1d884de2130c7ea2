// docs/openbitsd.example.toml must stay valid, document every key of the settings table,
// and show the built-in defaults (except the example url and root): it is the output of
// `openbitsd --print-config-reference`, kept in the repository for readers.
#include "config/load.hpp"
#include "config/reference.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace bits::config {
namespace {

std::string const example = EXAMPLE_CONFIG;

template <class Table>
std::set<std::string> names_of(Table const& table) {
  std::set<std::string> out;
  for (auto const& row : table) out.insert(std::string(row.name));
  return out;
}

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
// the other direction: no key of the settings table is left undocumented.
TEST(ExampleConfig, DocumentsEveryKey) {
  auto const doc = toml::parse_file(example);
  EXPECT_EQ(keys_of(doc), (std::set<std::string>{"admin", "server", "vdir"}));
  ASSERT_NE(doc["admin"].as_table(), nullptr);
  EXPECT_EQ(keys_of(*doc["admin"].as_table()), names_of(settings::admin_table));
  ASSERT_NE(doc["server"].as_table(), nullptr);
  EXPECT_EQ(keys_of(*doc["server"].as_table()), names_of(settings::server_table));
  auto const* vdirs = doc["vdir"].as_array();
  ASSERT_NE(vdirs, nullptr);
  ASSERT_EQ(vdirs->size(), 1u);
  ASSERT_NE(vdirs->get(0)->as_table(), nullptr);
  EXPECT_EQ(keys_of(*vdirs->get(0)->as_table()), names_of(settings::vdir_table));
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
  EXPECT_EQ(keys, static_cast<int>(settings::server_table.size() + settings::vdir_table.size() +
                                   settings::admin_table.size()));
}

// Byte for byte, so that help text, order and defaults cannot drift from the table.
TEST(ExampleConfig, IsThePrintedReference) {
  std::ifstream in(example, std::ios::binary);
  ASSERT_TRUE(in) << example;
  std::string const text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(text, reference_toml())
      << "regenerate: build/openbitsd --print-config-reference > docs/openbitsd.example.toml";
}

}  // namespace
}  // namespace bits::config
