// Content-Range text as a Fragment sends it. Whatever parses must describe bytes inside
// the file and survive a format/parse round trip; parse_decimal_u64 must agree with a
// plain re-statement of its contract.
#include "core/content_range.hpp"

#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

// The contract of parse_decimal_u64, written the slow way: digits only, at least one,
// and the value fits (checked on the digits without leading zeros, at most 20 of them).
bool decimal_fits(std::string_view text) {
  if (text.empty()) return false;
  for (char const c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto const nonzero = text.find_first_not_of('0');
  if (nonzero == std::string_view::npos) return true;
  std::string_view const digits = text.substr(nonzero);
  constexpr std::string_view max = "18446744073709551615";
  return digits.size() < max.size() || (digits.size() == max.size() && digits <= max);
}

void check_decimal(std::string_view text) {
  auto const value = bits::core::parse_decimal_u64(text);
  BITS_FUZZ_CHECK(value.has_value() == decimal_fits(text));
  if (!value) return;
  auto const nonzero = text.find_first_not_of('0');
  std::string_view const canonical =
      nonzero == std::string_view::npos ? std::string_view("0") : text.substr(nonzero);
  BITS_FUZZ_CHECK(std::to_string(*value) == canonical);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text = bits::fuzz::as_text(data, size);
  check_decimal(text);

  auto const range = bits::core::parse_content_range(text);
  if (!range) {
    BITS_FUZZ_CHECK(range.error() == bits::error::malformed_content_range);
    return 0;
  }
  bool const zero_byte = range->first == 0 && range->length == 0 && range->total == 0;
  BITS_FUZZ_CHECK(range->length > 0 || zero_byte);
  // Inside the file, without wrapping: first < end <= total.
  BITS_FUZZ_CHECK(range->length <= range->total);
  BITS_FUZZ_CHECK(range->first <= range->total - range->length);
  BITS_FUZZ_CHECK(range->end() <= range->total);

  auto const again = bits::core::parse_content_range(bits::core::format_content_range(*range));
  BITS_FUZZ_CHECK(again.has_value());
  BITS_FUZZ_CHECK(*again == *range);
  return 0;
}
