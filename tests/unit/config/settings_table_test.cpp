// The settings table itself (src/settings/*.def): every row is usable, its defaults keep
// its own bounds, and the loader enforces those bounds on the line of the key.
#include "config/load.hpp"
#include "config/reference.hpp"
#include "core/number_text.hpp"
#include "settings/settings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace bits::config {
namespace {

std::string all(std::vector<problem> const& problems) {
  std::string out;
  for (auto const& p : problems) out += p.to_string() + "\n";
  return out;
}

struct section_rows {
  std::string name;
  std::vector<settings::setting_info> rows;
};

std::vector<section_rows> sections() {
  return {{"server", {settings::server_table.begin(), settings::server_table.end()}},
          {"vdir", {settings::vdir_table.begin(), settings::vdir_table.end()}}};
}

bool is_number(settings::setting_info const& row) {
  return row.kind == settings::value_kind::integer || row.kind == settings::value_kind::duration;
}

TEST(SettingsTable, NamesAreUniqueLowerCaseKeys) {
  for (auto const& section : sections()) {
    std::set<std::string> seen;
    for (auto const& row : section.rows) {
      std::string const name(row.name);
      EXPECT_TRUE(seen.insert(name).second) << section.name << "." << name << " twice";
      ASSERT_FALSE(name.empty());
      for (char const c : name) {
        EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || c == '_' ||
                    std::isdigit(static_cast<unsigned char>(c)))
            << section.name << "." << name;
      }
    }
  }
}

TEST(SettingsTable, EveryKeyHasHelpText) {
  for (auto const& section : sections()) {
    for (auto const& row : section.rows) {
      EXPECT_FALSE(row.help.empty()) << section.name << "." << row.name;
      EXPECT_EQ(row.help.find('\n'), std::string_view::npos) << section.name << "." << row.name;
    }
  }
}

TEST(SettingsTable, ChoicesNameTheirValues) {
  for (auto const& section : sections()) {
    for (auto const& row : section.rows) {
      bool const is_choice =
          row.kind == settings::value_kind::choice || row.kind == settings::value_kind::choice_list;
      EXPECT_EQ(!row.choices.empty(), is_choice) << section.name << "." << row.name;
    }
  }
  EXPECT_EQ(settings::name_of(settings::notification_type::by_reference), "reference");
  EXPECT_EQ(settings::parse_choice<settings::log_level>("warn"), settings::log_level::warn);
  EXPECT_EQ(settings::parse_choice<settings::auth_kind>("Basic"), std::nullopt);
}

TEST(SettingsTable, BoundsAreConsistent) {
  for (auto const& section : sections()) {
    for (auto const& row : section.rows) {
      EXPECT_LE(row.rule.min, row.rule.max) << section.name << "." << row.name;
      if (!is_number(row)) {
        EXPECT_EQ(row.rule.min, 0u) << section.name << "." << row.name;
        EXPECT_EQ(row.rule.max, std::numeric_limits<std::uint64_t>::max())
            << section.name << "." << row.name;
      }
    }
  }
}

// Every default passes the checks of its own row: the defaults plus the one required
// key (root) make a valid configuration.
TEST(SettingsTable, DefaultsKeepTheirBounds) {
  daemon_config cfg;
  cfg.vdirs.emplace_back();
  cfg.vdirs[0].root = "/srv";
  EXPECT_EQ(all(validate(cfg, "defaults")), "");
  for (auto const& section : sections()) {
    for (auto const& [name, text] : default_values(section.name)) {
      auto const* row = settings::find_setting(section.name, name);
      ASSERT_NE(row, nullptr) << name;
      if (is_number(*row)) {
        auto const value = core::parse_decimal_u64(text);
        ASSERT_TRUE(value) << section.name << "." << name << " = " << text;
        EXPECT_EQ(settings::bounds_problem(*row, *value), "")
            << section.name << "." << name << " = " << text;
      }
    }
  }
}

// A valid file but for `key = value`, which is on line 3.
std::string file_with(std::string const& section, std::string_view key, std::string const& value) {
  auto const line = std::string(key) + " = " + value + "\n";
  if (section == "server") return "[server]\n\n" + line + "[[vdir]]\nroot = \"/srv\"\n";
  return "[[vdir]]\nroot = \"/srv\"\n" + line;
}

std::string key_of(std::string const& section, std::string_view name) {
  return (section == "server" ? "server." : "vdir[1].") + std::string(name);
}

// For every bounded number: one below the minimum and one above the maximum are
// refused with the row's message, at the key's line; the bounds themselves load.
TEST(SettingsTable, LoaderEnforcesBoundsAtTheKeysLine) {
  constexpr std::uint64_t toml_max = std::numeric_limits<std::int64_t>::max();
  int checked = 0;
  for (auto const& section : sections()) {
    for (auto const& row : section.rows) {
      if (!is_number(row)) continue;
      auto const key = key_of(section.name, row.name);
      std::vector<std::uint64_t> outside;
      if (row.rule.min > 0) outside.push_back(row.rule.min - 1);
      if (row.rule.max < toml_max) outside.push_back(row.rule.max + 1);
      for (auto const value : outside) {
        auto const result =
            load_config_text(file_with(section.name, row.name, std::to_string(value)), "t.toml");
        ASSERT_EQ(result.problems.size(), 1u) << key << " = " << value << "\n"
                                              << all(result.problems);
        auto const& p = result.problems[0];
        EXPECT_EQ(p.where, "t.toml:3") << key;
        EXPECT_EQ(p.key, key);
        auto const expected = settings::bounds_problem(row, value);
        EXPECT_FALSE(expected.empty()) << key;
        EXPECT_EQ(p.message, expected) << key << " = " << value;
        ++checked;
      }
      for (auto const value : {row.rule.min, std::min(row.rule.max, toml_max)}) {
        auto const text = file_with(section.name, row.name, std::to_string(value));
        auto const result = load_config_text(text, "t.toml");
        EXPECT_TRUE(result.ok()) << key << " = " << value << "\n" << all(result.problems);
      }
    }
  }
  EXPECT_GE(checked, 15);  // the table has bounds: the loop above did test something
}

TEST(SettingsTable, RequiredKeysMustBePresent) {
  for (auto const& row : settings::vdir_table) {
    if (!row.rule.required) continue;
    auto const result = load_config_text("[[vdir]]\nurl = \"/a/\"\n", "t.toml");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.problems[0].to_string(),
              "t.toml:1: vdir[1]." + std::string(row.name) + ": required key is missing");
  }
}

TEST(Reference, ListsEveryKeyWithItsHelp) {
  auto const text = reference_toml();
  for (auto const& section : sections()) {
    for (auto const& row : section.rows) {
      auto const at = text.find("\n" + std::string(row.name) + " = ");
      ASSERT_NE(at, std::string::npos) << row.name;
      auto const end = text.find('\n', at + 1);
      auto const line = text.substr(at + 1, end - at - 1);
      EXPECT_NE(line.find("# " + std::string(row.help)), std::string::npos) << line;
    }
  }
}

TEST(Reference, WritesValuesAsTheLoaderReadsThem) {
  EXPECT_EQ(toml_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000A\"");
  EXPECT_EQ(toml_text(settings::listen_list{{"::1", 8443, true}, {"", 80, false}}),
            "[\"tls://[::1]:8443\", \":80\"]");
  EXPECT_EQ(toml_text(std::chrono::seconds(900)), "900");
  EXPECT_EQ(toml_text(settings::auth_kind::basic), "\"basic\"");
  auto const server = default_values("server");
  ASSERT_FALSE(server.empty());
  EXPECT_EQ(server.front(), (std::pair<std::string, std::string>{"listen", "[\"0.0.0.0:8080\"]"}));
  EXPECT_TRUE(default_values("nonsense").empty());
}

}  // namespace
}  // namespace bits::config
