// BITS-Session-Id values and spool names. Whatever parses must be the strict GUID
// layout, and every id must survive both text forms.
#include "core/session_id.hpp"

#include "core/message.hpp"
#include "fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using bits::core::session_id;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The wire layout, independently: braces, 8-4-4-4-12 hex digits, dashes between.
bool is_guid_layout(std::string_view t) {
  if (t.size() != 38 || t.front() != '{' || t.back() != '}') return false;
  for (std::size_t i = 1; i < 37; ++i) {
    bool const dash = i == 9 || i == 14 || i == 19 || i == 24;
    if (dash ? t[i] != '-' : !is_hex(t[i])) return false;
  }
  return true;
}

void check_round_trips(session_id const& id) {
  auto const wire = id.to_string();
  BITS_FUZZ_CHECK(is_guid_layout(wire));
  BITS_FUZZ_CHECK(
      std::none_of(wire.begin(), wire.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
  auto const back = bits::core::parse_session_id(wire);
  BITS_FUZZ_CHECK(back.has_value() && *back == id);

  auto const hex = id.to_hex();
  BITS_FUZZ_CHECK(hex.size() == 32);
  auto const from_hex = bits::core::parse_session_hex(hex);
  BITS_FUZZ_CHECK(from_hex.has_value() && *from_hex == id);
  BITS_FUZZ_CHECK(id.short_form() == hex.substr(0, 8));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text = bits::fuzz::as_text(data, size);

  auto const id = bits::core::parse_session_id(text);
  BITS_FUZZ_CHECK(id.has_value() == is_guid_layout(text));
  if (id) {
    BITS_FUZZ_CHECK(bits::core::iequals(id->to_string(), text));
    check_round_trips(*id);
  } else {
    BITS_FUZZ_CHECK(id.error() == bits::error::malformed_session_id);
  }

  auto const spool = bits::core::parse_session_hex(text);
  BITS_FUZZ_CHECK(spool.has_value() ==
                  (text.size() == 32 && std::all_of(text.begin(), text.end(), is_hex)));
  if (spool) {
    BITS_FUZZ_CHECK(bits::core::iequals(spool->to_hex(), text));
    check_round_trips(*spool);
  }

  if (size >= 16) {
    session_id::bytes_type bytes{};
    std::copy_n(data, bytes.size(), bytes.begin());
    check_round_trips(session_id(bytes));
  }
  return 0;
}
