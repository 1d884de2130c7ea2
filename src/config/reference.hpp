// The settings table as TOML text: the commented reference of every key with its
// default (`openbitsd --print-config-reference`, docs/openbitsd.example.toml), and the
// pieces it is made of, for anything else that writes configuration files.
#pragma once

#include "settings/settings.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::config {

/// A TOML basic string: quoted, with '"', '\' and control characters escaped.
[[nodiscard]] std::string toml_string(std::string_view text);

/// The TOML text of a setting's value, as a file would hold it.
[[nodiscard]] std::string toml_text(bool value);
[[nodiscard]] std::string toml_text(std::uint64_t value);
[[nodiscard]] std::string toml_text(unsigned value);
[[nodiscard]] std::string toml_text(std::chrono::seconds value);
[[nodiscard]] std::string toml_text(std::string const& value);
[[nodiscard]] std::string toml_text(settings::octal_mode value);
[[nodiscard]] std::string toml_text(settings::listen_list const& value);
[[nodiscard]] std::string toml_text(settings::auth_list const& value);
[[nodiscard]] std::string toml_text(settings::string_list const& value);
template <settings::choice E>
[[nodiscard]] std::string toml_text(E value) {
  return toml_string(settings::name_of(value));
}

/// Each key of section `section_name` ("server", "vdir") with the TOML text of its
/// default, in table order. Empty for an unknown section.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> default_values(
    std::string_view section_name);

/// Every section and key, in table order, as "key = default  # help" lines under a
/// header that says how the file is read. A required key, or one with an example in the
/// table, shows the example instead (root, url), so the text is a valid configuration.
[[nodiscard]] std::string reference_toml();

}  // namespace bits::config
