// HRESULTs as servers write them in BITS-Error-Code. parse_hresult must agree with a
// plain re-statement of its contract, and the formatters' output must parse back.
#include "core/wire_error.hpp"

#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace {

namespace core = bits::core;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Optional "0x"/"x" (any case), then one or more hex digits with at most 8 after the
// leading zeros.
std::optional<std::uint32_t> reference_parse(std::string_view t) {
  if (t.size() >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    t.remove_prefix(2);
  } else if (!t.empty() && (t[0] == 'x' || t[0] == 'X')) {
    t.remove_prefix(1);
  }
  if (t.empty()) return std::nullopt;
  for (char const c : t) {
    if (hex_digit(c) < 0) return std::nullopt;
  }
  auto const nonzero = t.find_first_not_of('0');
  if (nonzero == std::string_view::npos) return 0;
  t.remove_prefix(nonzero);
  if (t.size() > 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char const c : t) v = (v << 4u) | static_cast<std::uint32_t>(hex_digit(c));
  return v;
}

void check_formats(std::uint32_t v) {
  auto const text = core::format_hresult(v);
  BITS_FUZZ_CHECK(text.size() >= 3 && text.substr(0, 2) == "0x");
  BITS_FUZZ_CHECK(core::parse_hresult(text) == v);
  BITS_FUZZ_CHECK(core::parse_hresult(core::format_error_context(v)) == v);
  // Named codes are the ones the table lists; a name is never empty text for them.
  auto const name = core::hresult_name(v);
  if (!name.empty()) BITS_FUZZ_CHECK(name.find(' ') == std::string_view::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text = bits::fuzz::as_text(data, size);
  auto const parsed = core::parse_hresult(text);
  BITS_FUZZ_CHECK(parsed == reference_parse(text));
  if (parsed) check_formats(*parsed);
  if (size >= 4) {
    bits::fuzz::fuzz_input in(data, size);
    check_formats(in.u32());
  }
  return 0;
}
