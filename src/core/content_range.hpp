// Content-Range of a Fragment: `bytes first-last/total`, plus the zero-byte forms.
// Pure parser and formatter; fuzzed.
#pragma once

#include "core/error.hpp"
#include "core/number_text.hpp"  // parse_decimal_u64, used with every numeric header

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::core {

/// Bytes [first, first + length) of a file of `total` bytes. length == 0 only for the
/// zero-byte file (first == 0, total == 0).
struct content_range {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
  std::uint64_t total = 0;

  /// One past the last byte.
  [[nodiscard]] constexpr std::uint64_t end() const noexcept { return first + length; }
  friend constexpr bool operator==(content_range const&, content_range const&) = default;
};

/// Parses `bytes first-last/total` (reference 5.1): unit case-insensitive, then one or
/// more spaces, decimal digits only (no signs), values fitting uint64, first <= last <
/// total. Leading/trailing optional whitespace is accepted. Also accepts the zero-byte
/// forms `bytes */0` and `bytes 0--1/0` (reference 5.6) as {0, 0, 0}.
/// Error: error::malformed_content_range for anything else.
[[nodiscard]] result<content_range> parse_content_range(std::string_view text) noexcept;

/// `bytes first-last/total`, or `bytes */0` for the zero-byte range.
[[nodiscard]] std::string format_content_range(content_range const& r);

}  // namespace bits::core
