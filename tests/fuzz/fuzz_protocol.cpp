// BITS-Packet-Type tokens and BITS-Supported-Protocols lists. The packet type parser must
// accept exactly the six names in any case; negotiation must agree with a plain
// tokenise-and-compare of the first 100 list entries.
#include "core/protocol.hpp"

#include "core/message.hpp"
#include "fuzz/fuzz_check.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

namespace core = bits::core;

constexpr std::array<core::packet_type, 6> all_types = {
    core::packet_type::ping,           core::packet_type::create_session,
    core::packet_type::fragment,       core::packet_type::close_session,
    core::packet_type::cancel_session, core::packet_type::ack};

void check_packet_type(std::string_view text) {
  auto const type = core::parse_packet_type(text);
  std::size_t matches = 0;
  for (auto const t : all_types) {
    if (core::iequals(core::to_string(t), text)) {
      ++matches;
      BITS_FUZZ_CHECK(type == t);
    }
  }
  BITS_FUZZ_CHECK(matches <= 1);
  BITS_FUZZ_CHECK(type.has_value() == (matches == 1));
}

// Reference 2.2 as the server reads it: entries separated by runs of space, comma or tab;
// only the first 100 entries are looked at.
bool lists_our_protocol(std::string_view list) {
  std::size_t entries = 0;
  std::size_t pos = 0;
  auto const separator = [](char c) { return c == ' ' || c == ',' || c == '\t'; };
  while (pos < list.size()) {
    if (separator(list[pos])) {
      ++pos;
      continue;
    }
    std::size_t end = pos;
    while (end < list.size() && !separator(list[end])) ++end;
    if (++entries > 100) return false;
    if (core::iequals(list.substr(pos, end - pos), core::upload_protocol_guid)) return true;
    pos = end;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text = bits::fuzz::as_text(data, size);
  check_packet_type(text);
  for (auto const t : all_types) {
    BITS_FUZZ_CHECK(core::parse_packet_type(core::to_string(t)) == t);
    BITS_FUZZ_CHECK(core::is_bodiless(t) == (t != core::packet_type::fragment));
  }

  auto const chosen = core::negotiate_protocol(text);
  BITS_FUZZ_CHECK(chosen.has_value() == lists_our_protocol(text));
  if (chosen) BITS_FUZZ_CHECK(*chosen == core::upload_protocol_guid);
  return 0;
}
