// The value types of settings that are more than a number or a string: enumerations
// with the names a configuration file uses for them, permission bits, a parsed
// listen address and a list of networks.
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

/// [[vdir]] auth: one scheme requests to the directory may authenticate with.
enum class auth_kind { none, basic, negotiate, ntlm };

/// [[vdir]] principal_format: which form of an authenticated Windows name owns sessions.
enum class principal_format { full, user };

/// [server] log_format: text lines, or one JSON object per line.
enum class log_format { text, json };

/// [[vdir]] storage: where a directory's uploads and open sessions are kept.
enum class storage_kind { fs, s3 };

/// [server] tls_min_version: the oldest TLS protocol version accepted.
enum class tls_version { v1_0, v1_1, v1_2, v1_3 };

/// [[vdir]] hook_failure: what a pre-create hook that gives no answer means.
enum class hook_failure { refuse, allow };

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
  static constexpr std::array<std::string_view, 4> names{"none", "basic", "negotiate", "ntlm"};
};

template <>
struct choices<principal_format> {
  static constexpr std::array<std::string_view, 2> names{"full", "user"};
};

template <>
struct choices<log_format> {
  static constexpr std::array<std::string_view, 2> names{"text", "json"};
};

template <>
struct choices<storage_kind> {
  static constexpr std::array<std::string_view, 2> names{"fs", "s3"};
};

template <>
struct choices<tls_version> {
  static constexpr std::array<std::string_view, 4> names{"1.0", "1.1", "1.2", "1.3"};
};

template <>
struct choices<hook_failure> {
  static constexpr std::array<std::string_view, 2> names{"refuse", "allow"};
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

/// [[vdir]] auth: the schemes a directory offers, in the order of its challenges. Written
/// as one name (`"basic"`) or an array (`["negotiate", "basic"]`); "none" alone, or an
/// empty array, is anonymous access.
struct auth_list {
  std::vector<auth_kind> kinds;

  auth_list() = default;
  auth_list(auth_kind kind) {  // NOLINT(google-explicit-constructor): `auth = basic` reads so
    if (kind != auth_kind::none) kinds.push_back(kind);
  }
  explicit auth_list(std::vector<auth_kind> list) : kinds(std::move(list)) {}

  /// True when `kind` is offered.
  [[nodiscard]] bool has(auth_kind kind) const noexcept {
    for (auto const k : kinds) {
      if (k == kind) return true;
    }
    return false;
  }
  /// True when nothing is asked of clients.
  [[nodiscard]] bool anonymous() const noexcept { return kinds.empty(); }

  friend bool operator==(auth_list const&, auth_list const&) = default;
};

/// A list of strings (`allow = ["alice@EXAMPLE.TEST", "*$@EXAMPLE.TEST"]`).
using string_list = std::vector<std::string>;

/// IP addresses and CIDR networks as written in the file ("10.0.0.0/8", "::1"); the
/// loader checks their syntax.
struct network_list {
  std::vector<std::string> items;

  friend bool operator==(network_list const&, network_list const&) = default;
};

}  // namespace bits::settings
