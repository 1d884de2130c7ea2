// openbitsd's settings: the typed structs every layer receives, and the table that
// describes them, both expanded from the one declaration of each key in server.def and
// vdir.def. config fills the structs from TOML (the only place that knows TOML); service
// and server take them as they are; `openbitsd --print-config-reference` prints the table.
#pragma once

#include "settings/rules.hpp"
#include "settings/types.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace bits::settings {

// ---- the structs: one member per key, with its default ---------------------------

#define BITS_SETTING(type, name, default_value, rule, help) type name{default_value};

/// [server]: listeners, threads, HTTP limits and timeouts, durability, logging, TLS.
struct server_settings {
#include "settings/server.def"

  friend bool operator==(server_settings const&, server_settings const&) = default;
};

/// One [[vdir]]: a URL prefix served from a directory, with the IIS BITS settings.
/// The loader normalises url to end with '/'.
struct vdir_settings {
#include "settings/vdir.def"

  friend bool operator==(vdir_settings const&, vdir_settings const&) = default;
};

/// [admin]: the administration listener (metrics, health, status page); off by default.
struct admin_settings {
#include "settings/admin.def"

  friend bool operator==(admin_settings const&, admin_settings const&) = default;
};

#undef BITS_SETTING

// ---- the tables: one row per key, in declaration order ----------------------------

#define BITS_SETTING(type, name, default_value, rule, help) \
  setting_info{#name, kind_of<type>(), rule, help, choice_names<type>},

inline constexpr std::array server_table{
#include "settings/server.def"
};

inline constexpr std::array vdir_table{
#include "settings/vdir.def"
};

inline constexpr std::array admin_table{
#include "settings/admin.def"
};

#undef BITS_SETTING

// ---- sections: a struct, its table, its place in the file -------------------------

template <class S>
struct section;

template <>
struct section<server_settings> {
  static constexpr std::string_view name = "server";  ///< [server]
  static constexpr bool repeated = false;
  static constexpr std::string_view help{};
  static constexpr auto const& table = server_table;

  /// Calls f(info, member) for every setting, in table order.
  template <class S, class F>
  static constexpr void visit(S& s, F&& f) {
    std::size_t i = 0;
#define BITS_SETTING(type, name, default_value, rule, help) f(table[i++], s.name);
#include "settings/server.def"
#undef BITS_SETTING
  }
};

template <>
struct section<vdir_settings> {
  static constexpr std::string_view name = "vdir";  ///< [[vdir]], one per directory
  static constexpr bool repeated = true;
  static constexpr std::string_view help =
      "One [[vdir]] per URL prefix; repeat the block for more. At least one is required.";
  static constexpr auto const& table = vdir_table;

  template <class S, class F>
  static constexpr void visit(S& s, F&& f) {
    std::size_t i = 0;
#define BITS_SETTING(type, name, default_value, rule, help) f(table[i++], s.name);
#include "settings/vdir.def"
#undef BITS_SETTING
  }
};

template <>
struct section<admin_settings> {
  static constexpr std::string_view name = "admin";  ///< [admin]
  static constexpr bool repeated = false;
  static constexpr std::string_view help =
      "The administration listener: /metrics (Prometheus), /healthz, /readyz, /status. Off "
      "while listen is empty; keep it on loopback or a management network.";
  static constexpr auto const& table = admin_table;

  template <class S, class F>
  static constexpr void visit(S& s, F&& f) {
    std::size_t i = 0;
#define BITS_SETTING(type, name, default_value, rule, help) f(table[i++], s.name);
#include "settings/admin.def"
#undef BITS_SETTING
  }
};

/// Calls f(info, value) for every setting of `s` (a server_settings or vdir_settings,
/// const or not) in table order; `value` is the typed member itself.
template <class S, class F>
constexpr void visit(S& s, F&& f) {
  section<std::remove_const_t<S>>::visit(s, f);
}

/// The row of key `name` in section `section_name` ("server", "vdir", "admin"), or nullptr.
[[nodiscard]] constexpr setting_info const* find_setting(std::string_view section_name,
                                                         std::string_view name) noexcept {
  auto const find = [name](auto const& table) -> setting_info const* {
    for (auto const& row : table) {
      if (row.name == name) return &row;
    }
    return nullptr;
  };
  if (section_name == section<server_settings>::name) return find(server_table);
  if (section_name == section<vdir_settings>::name) return find(vdir_table);
  if (section_name == section<admin_settings>::name) return find(admin_table);
  return nullptr;
}

}  // namespace bits::settings
