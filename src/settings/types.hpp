// The value types of settings that are more than a number or a string: enumerations
// with the names a configuration file uses for them, permission bits, and a parsed
// listen address.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace bits::settings {

/// [server] log_level: spdlog's levels, under spdlog's names.
enum class log_level { trace, debug, info, warn, error, off };

/// [[vdir]] notification_type (IIS BITSServerNotificationType): upload-reply when not none.
enum class notification_type { none, by_reference, by_value };

/// [[vdir]] auth: how requests to the directory are authenticated.
enum class auth_kind { none, basic };

/// [[vdir]] storage: where a directory's uploads and open sessions are kept.
enum class storage_kind { fs, s3 };

/// [server] tls_min_version: the oldest TLS protocol version accepted.
enum class tls_version { v1_0, v1_1, v1_2, v1_3 };

/// The configuration names of an enumeration's values, indexed by the value (the
/// enumerators above are 0, 1, 2, ... in order). One specialisation per enumeration.
template <class E>
struct choices;

template <>
struct choices<log_level> {
  static constexpr std::array<std::string_view, 6> names{"trace", "debug", "info",
                                                         "warn",  "error", "off"};
};

template <>
struct choices<notification_type> {
  static constexpr std::array<std::string_view, 3> names{"none", "reference", "value"};
};

template <>
struct choices<auth_kind> {
  static constexpr std::array<std::string_view, 2> names{"none", "basic"};
};

template <>
struct choices<storage_kind> {
  static constexpr std::array<std::string_view, 2> names{"fs", "s3"};
};

template <>
struct choices<tls_version> {
  static constexpr std::array<std::string_view, 4> names{"1.0", "1.1", "1.2", "1.3"};
};

/// An enumeration that settings can hold.
template <class E>
concept choice = std::is_enum_v<E> && requires {
  choices<E>::names;
};

/// The configuration name of `value`.
template <choice E>
[[nodiscard]] constexpr std::string_view name_of(E value) noexcept {
  auto const index = static_cast<std::size_t>(value);
  return index < choices<E>::names.size() ? choices<E>::names[index] : std::string_view{};
}

/// The value named `name` (exact, case-sensitive), or nullopt.
template <choice E>
[[nodiscard]] constexpr std::optional<E> parse_choice(std::string_view name) noexcept {
  for (std::size_t i = 0; i < choices<E>::names.size(); ++i) {
    if (choices<E>::names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

/// Permission bits, written in a file as an octal string as chmod takes it ("0750").
struct octal_mode {
  unsigned bits = 0;

  friend bool operator==(octal_mode, octal_mode) = default;
};

/// One address to listen on, as parsed from "host:port", "[v6addr]:port" or ":port",
/// optionally after "tls://".
struct listen_endpoint {
  std::string host;        ///< address literal or name, without brackets; "" = all addresses
  std::uint16_t port = 0;  ///< 0 = pick a free port
  bool tls = false;        ///< TLS listener ("tls://" in the configuration)

  friend bool operator==(listen_endpoint const&, listen_endpoint const&) = default;
};

using listen_list = std::vector<listen_endpoint>;

}  // namespace bits::settings
