// Session identifiers: 128 random bits, written like IIS writes them:
// a brace-wrapped upper-case GUID, "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}".
#pragma once

#include "core/error.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace bits::core {

class session_id {
 public:
  using bytes_type = std::array<std::uint8_t, 16>;

  session_id() = default;
  explicit session_id(bytes_type const& b) noexcept : bytes_(b) {}

  [[nodiscard]] bytes_type const& bytes() const noexcept { return bytes_; }

  /// "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", upper-case hex: the wire form.
  [[nodiscard]] std::string to_string() const;

  /// 32 upper-case hex digits, no punctuation: the spool directory name.
  [[nodiscard]] std::string to_hex() const;

  /// First 8 hex digits: enough to follow one session in info-level logs without
  /// writing the whole bearer-like id into them.
  [[nodiscard]] std::string short_form() const;

  friend bool operator==(session_id const&, session_id const&) = default;
  friend auto operator<=>(session_id const&, session_id const&) = default;

 private:
  bytes_type bytes_{};
};

/// Parses the wire form; hex digits of either case, braces required, exactly the
/// 8-4-4-4-12 layout. Error: error::malformed_session_id.
[[nodiscard]] result<session_id> parse_session_id(std::string_view text) noexcept;

/// Parses the 32-hex-digit spool form (to_hex). Error: error::malformed_session_id.
[[nodiscard]] result<session_id> parse_session_hex(std::string_view text) noexcept;

/// Hash for unordered containers (the bytes are random already).
struct session_id_hash {
  std::size_t operator()(session_id const& id) const noexcept;
};

}  // namespace bits::core
