// What the settings table says about one setting besides its type and default: the
// bounds a value must keep, whether the key is required, its help text. Pure data and
// one pure check, shared by the loader, validate() and the reference.
#pragma once

#include "settings/types.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace bits::settings {

/// Bounds and flags of one setting. Numbers (integers, durations in seconds) are checked
/// against min and max; the other kinds ignore them.
struct rules {
  std::uint64_t min = 0;
  std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  bool range = false;         ///< a value outside is "must be between min and max"
  std::string_view min_note;  ///< said after "must be at least min": "5 KiB"
  bool required = false;      ///< the key must be present, and a string must not be empty
  std::string_view example;   ///< a string shown in the reference instead of the default

  /// The same rules with an upper bound as well.
  [[nodiscard]] constexpr rules at_most(std::uint64_t n) const noexcept {
    auto r = *this;
    r.max = n;
    return r;
  }
  /// The same rules with a string the reference shows instead of the default.
  [[nodiscard]] constexpr rules with_example(std::string_view text) const noexcept {
    auto r = *this;
    r.example = text;
    return r;
  }
};

/// Any value of the type.
[[nodiscard]] constexpr rules any() noexcept {
  return {};
}
/// At least `n`; `note` explains the bound in the message ("5 KiB").
[[nodiscard]] constexpr rules at_least(std::uint64_t n, std::string_view note = {}) noexcept {
  rules r;
  r.min = n;
  r.min_note = note;
  return r;
}
/// At most `n`.
[[nodiscard]] constexpr rules at_most(std::uint64_t n) noexcept {
  return rules{}.at_most(n);
}
/// In [lo, hi], reported as one range.
[[nodiscard]] constexpr rules between(std::uint64_t lo, std::uint64_t hi) noexcept {
  rules r;
  r.min = lo;
  r.max = hi;
  r.range = true;
  return r;
}
/// The key must be given; a string must not be empty.
[[nodiscard]] constexpr rules required() noexcept {
  rules r;
  r.required = true;
  return r;
}

/// The largest value of a Windows DWORD: what BITS headers can carry to a client.
inline constexpr std::uint64_t max_dword = 0xFFFFFFFF;

/// How a setting is written in a file.
enum class value_kind {
  boolean,      ///< true / false
  integer,      ///< non-negative integer (a count or bytes)
  duration,     ///< non-negative integer, whole seconds
  string,       ///< any string (paths, URLs, names)
  choice,       ///< one of a few names (choice_names)
  mode,         ///< permission bits as an octal string: "0750"
  endpoints,    ///< array of listen addresses: ["host:port", "tls://[v6]:port"]
  choice_list,  ///< one name (choice_names) or an array of them: "basic", ["negotiate", "basic"]
  strings,      ///< array of strings: ["alice@EXAMPLE.TEST"]
};

/// The kind of a setting of C++ type T; a type without one does not compile.
template <class T>
[[nodiscard]] consteval value_kind kind_of() {
  if constexpr (std::same_as<T, bool>) {
    return value_kind::boolean;
  } else if constexpr (std::unsigned_integral<T>) {
    return value_kind::integer;
  } else if constexpr (std::same_as<T, std::chrono::seconds>) {
    return value_kind::duration;
  } else if constexpr (std::same_as<T, std::string>) {
    return value_kind::string;
  } else if constexpr (choice<T>) {
    return value_kind::choice;
  } else if constexpr (std::same_as<T, octal_mode>) {
    return value_kind::mode;
  } else if constexpr (std::same_as<T, auth_list>) {
    return value_kind::choice_list;
  } else if constexpr (std::same_as<T, string_list>) {
    return value_kind::strings;
  } else {
    static_assert(std::same_as<T, listen_list>, "a setting type needs a value_kind and a reader");
    return value_kind::endpoints;
  }
}

/// The names of an enumeration's values; empty for other types.
template <class T>
inline constexpr std::span<std::string_view const> choice_names{};
template <choice E>
inline constexpr std::span<std::string_view const> choice_names<E>{choices<E>::names};
template <>
inline constexpr std::span<std::string_view const> choice_names<auth_list>{
    choices<auth_kind>::names};

/// One row of the settings table, without the type: what a reader, a writer of
/// documentation or a test needs to know about a key.
struct setting_info {
  std::string_view name;  ///< the TOML key, and the member of the settings struct
  value_kind kind;
  rules rule;
  std::string_view help;                      ///< one line, the reference's comment
  std::span<std::string_view const> choices;  ///< for value_kind::choice and choice_list
};

/// Empty when `value` keeps `info`'s bounds; otherwise what is wrong, e.g. "must be at
/// least 1 (seconds)". Durations come as their count of seconds.
[[nodiscard]] inline std::string bounds_problem(setting_info const& info, std::uint64_t value) {
  auto const& r = info.rule;
  if (value >= r.min && value <= r.max) return {};
  if (r.range) {
    return "must be between " + std::to_string(r.min) + " and " + std::to_string(r.max);
  }
  if (value > r.max) return "must be at most " + std::to_string(r.max);
  auto note = r.min_note;
  if (note.empty() && info.kind == value_kind::duration) note = "seconds";
  auto out = "must be at least " + std::to_string(r.min);
  if (!note.empty()) out += " (" + std::string(note) + ")";
  return out;
}

}  // namespace bits::settings
