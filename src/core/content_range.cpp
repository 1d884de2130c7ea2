// Content-Range of a Fragment (reference 5.1, 5.6). Input comes straight off the
// network, so every step checks bounds and nothing can overflow.
#include "core/content_range.hpp"

#include "core/message.hpp"

#include <cstddef>

namespace bits::core {
namespace {

// 2^64 - 1 has 20 digits; a longer run is malformed even if it is all leading zeros.
constexpr std::size_t max_decimal_digits = 20;

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

void skip_spaces(std::string_view& s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
}

bool take_literal(std::string_view& s, std::string_view literal) noexcept {
  if (s.substr(0, literal.size()) != literal) return false;
  s.remove_prefix(literal.size());
  return true;
}

// Takes the leading run of digits off `s` and parses it; no digits, more than 20 of
// them or overflow give empty. Signs are not digits, so "+1" and "-1" fail here.
std::optional<std::uint64_t> take_number(std::string_view& s) noexcept {
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n > max_decimal_digits) return std::nullopt;
  auto const value = parse_decimal_u64(s.substr(0, n));
  s.remove_prefix(n);
  return value;
}

// After the unit: the zero-byte forms "*/0" and "0--1/0" (reference 5.6), else
// "first-last/total" with first <= last < total (RFC 2616 14.16).
result<content_range> parse_range_spec(std::string_view s) noexcept {
  constexpr content_range zero_byte{0, 0, 0};
  if (take_literal(s, "*/")) {
    auto const total = take_number(s);
    if (!total || *total != 0 || !s.empty()) return error::malformed_content_range;
    return zero_byte;
  }
  auto const first = take_number(s);
  if (!first || !take_literal(s, "-")) return error::malformed_content_range;
  if (take_literal(s, "-1/")) {
    // [SPEC 3.1.5.1.4] read literally gives "0 to -1 of 0" for an empty file.
    auto const total = take_number(s);
    if (*first != 0 || !total || *total != 0 || !s.empty()) return error::malformed_content_range;
    return zero_byte;
  }
  auto const last = take_number(s);
  if (!last || !take_literal(s, "/")) return error::malformed_content_range;
  auto const total = take_number(s);
  if (!total || !s.empty()) return error::malformed_content_range;
  if (*first > *last || *last >= *total) return error::malformed_content_range;
  // last < total <= UINT64_MAX, so last + 1 cannot overflow.
  return content_range{*first, *last - *first + 1, *total};
}

}  // namespace

result<content_range> parse_content_range(std::string_view text) noexcept {
  skip_spaces(text);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  // The unit is compared case-insensitively: [DOC] shows "Bytes", Windows sends "bytes".
  constexpr std::string_view unit = "bytes";
  if (text.size() <= unit.size() || !iequals(text.substr(0, unit.size()), unit) ||
      !is_space(text[unit.size()])) {
    return error::malformed_content_range;
  }
  text.remove_prefix(unit.size());
  skip_spaces(text);
  return parse_range_spec(text);
}

std::string format_content_range(content_range const& r) {
  if (r.length == 0) return "bytes */" + std::to_string(r.total);
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.end() - 1) + "/" +
         std::to_string(r.total);
}

}  // namespace bits::core
