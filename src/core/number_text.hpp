// Numbers as text, in one place: decimal and hexadecimal digits, the strict parsers every
// numeric header and on-disk field uses, fixed-width hex, and percent escapes. Pure and
// fuzzed (fuzz_content_range checks parse_decimal_u64, fuzz_hresult parse_hex_u64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bits::core {

/// '0'..'9'.
[[nodiscard]] constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

/// The value of a hex digit of either case, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// '0'..'9', 'a'..'f', 'A'..'F'.
[[nodiscard]] constexpr bool is_hex_digit(char c) noexcept {
  return hex_value(c) >= 0;
}

/// '0'..'9', 'A'..'F' only (session ids in the spool, HRESULTs as we write them).
[[nodiscard]] constexpr bool is_upper_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'A' && c <= 'F');
}

enum class hex_case { upper, lower };

/// The digit for `nibble` (0..15; higher bits are ignored).
[[nodiscard]] constexpr char hex_digit(unsigned nibble,
                                       hex_case letters = hex_case::upper) noexcept {
  constexpr std::string_view upper = "0123456789ABCDEF";
  constexpr std::string_view lower = "0123456789abcdef";
  return (letters == hex_case::upper ? upper : lower)[nibble & 0xFU];
}

/// Parses a decimal uint64 with no sign, no spaces, at least one digit, no overflow
/// (leading zeros are allowed). Shared by every numeric header (Content-Length,
/// BITS-Received-Content-Range, ...) and the decimal fields of the spool.
[[nodiscard]] std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) noexcept;

/// parse_decimal_u64 with an optional leading '-', for values that fit int64.
[[nodiscard]] std::optional<std::int64_t> parse_decimal_i64(std::string_view text) noexcept;

/// Parses hex digits of either case into a uint64: no prefix, no sign, at least one
/// digit, no overflow (leading zeros are allowed).
[[nodiscard]] std::optional<std::uint64_t> parse_hex_u64(std::string_view text) noexcept;

/// The byte written as the two hex digits `hi` `lo`, or nullopt.
[[nodiscard]] constexpr std::optional<std::uint8_t> hex_byte(char hi, char lo) noexcept {
  int const h = hex_value(hi);
  int const l = hex_value(lo);
  if (h < 0 || l < 0) return std::nullopt;
  return static_cast<std::uint8_t>((h << 4) | l);
}

/// The bytes written as `text` (two hex digits of either case per byte); nullopt for an
/// odd length or anything that is not a hex digit.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> parse_hex_bytes(std::string_view text);

/// Appends `byte` as two hex digits.
void append_hex_byte(std::string& out, std::uint8_t byte, hex_case letters = hex_case::upper);

/// `value` as exactly `digits` hex digits (1..16), zero-padded; higher digits are cut.
[[nodiscard]] std::string format_hex_fixed(std::uint64_t value, std::size_t digits,
                                           hex_case letters = hex_case::upper);

/// Every byte of `bytes` as two hex digits.
[[nodiscard]] std::string format_hex_bytes(std::span<std::uint8_t const> bytes,
                                           hex_case letters = hex_case::upper);

/// `text` with every byte for which `keep(byte)` is false written as "%XX" (upper case).
template <class Keep>
[[nodiscard]] std::string percent_encode(std::string_view text, Keep keep) {
  std::string out;
  out.reserve(text.size());
  for (char const c : text) {
    if (keep(c)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      append_hex_byte(out, static_cast<std::uint8_t>(c));
    }
  }
  return out;
}

/// The byte of the escape "%XX" at text[at] (text[at] is the '%'); nullopt when two hex
/// digits do not follow.
[[nodiscard]] std::optional<char> percent_escape_at(std::string_view text, std::size_t at) noexcept;

/// `text` with every "%XX" replaced by its byte; nullopt when a '%' is not followed by
/// two hex digits.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text);

}  // namespace bits::core
