// Decimal and hex parsers and formatters. Input comes straight off the network or the
// disk: every loop checks for overflow before it multiplies.
#include "core/number_text.hpp"

namespace bits::core {

std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  constexpr std::uint64_t max = UINT64_MAX;
  std::uint64_t value = 0;
  for (char const c : text) {
    if (!is_digit(c)) return std::nullopt;
    auto const digit = static_cast<std::uint64_t>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<std::int64_t> parse_decimal_i64(std::string_view text) noexcept {
  bool const negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  auto const magnitude = parse_decimal_u64(text);
  if (!magnitude) return std::nullopt;
  constexpr auto max = static_cast<std::uint64_t>(INT64_MAX);
  if (!negative) {
    if (*magnitude > max) return std::nullopt;
    return static_cast<std::int64_t>(*magnitude);
  }
  if (*magnitude > max + 1) return std::nullopt;
  return *magnitude == max + 1 ? INT64_MIN : -static_cast<std::int64_t>(*magnitude);
}

std::optional<std::uint64_t> parse_hex_u64(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char const c : text) {
    int const digit = hex_value(c);
    if (digit < 0 || value > (UINT64_MAX >> 4U)) return std::nullopt;
    value = (value << 4U) | static_cast<std::uint64_t>(digit);
  }
  return value;
}

std::optional<std::vector<std::uint8_t>> parse_hex_bytes(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto const byte = hex_byte(text[i], text[i + 1]);
    if (!byte) return std::nullopt;
    out.push_back(*byte);
  }
  return out;
}

void append_hex_byte(std::string& out, std::uint8_t byte, hex_case letters) {
  out.push_back(hex_digit(static_cast<unsigned>(byte) >> 4U, letters));
  out.push_back(hex_digit(byte, letters));
}

std::string format_hex_fixed(std::uint64_t value, std::size_t digits, hex_case letters) {
  std::string out(digits, '0');
  for (std::size_t i = digits; i > 0 && value != 0; --i, value >>= 4U) {
    out[i - 1] = hex_digit(static_cast<unsigned>(value & 0xFU), letters);
  }
  return out;
}

std::string format_hex_bytes(std::span<std::uint8_t const> bytes, hex_case letters) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto const b : bytes) append_hex_byte(out, b, letters);
  return out;
}

std::optional<char> percent_escape_at(std::string_view text, std::size_t at) noexcept {
  if (at >= text.size() || text.size() - at < 3 || text[at] != '%') return std::nullopt;
  auto const byte = hex_byte(text[at + 1], text[at + 2]);
  if (!byte) return std::nullopt;
  return static_cast<char>(*byte);
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    auto const c = percent_escape_at(text, i);
    if (!c) return std::nullopt;
    out.push_back(*c);
    i += 2;
  }
  return out;
}

}  // namespace bits::core
