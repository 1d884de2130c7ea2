// Packet-type tokens and protocol negotiation (reference 2.2, 2.3).
#include "core/protocol.hpp"

#include "core/message.hpp"

#include <array>

namespace bits::core {
namespace {

struct packet_name {
  packet_type type;
  std::string_view name;
};

// Wire spellings as Windows sends them (reference 11, Q3).
constexpr std::array<packet_name, 6> packet_names = {{
    {packet_type::ping, "Ping"},
    {packet_type::create_session, "Create-Session"},
    {packet_type::fragment, "Fragment"},
    {packet_type::close_session, "Close-Session"},
    {packet_type::cancel_session, "Cancel-Session"},
    {packet_type::ack, "Ack"},
}};

// The Windows server accepts up to 100 GUIDs in BITS-Supported-Protocols (reference 2.2);
// looking no further also bounds the work a hostile list can cause.
constexpr std::size_t max_protocol_entries = 100;

constexpr bool is_list_separator(char c) noexcept {
  return c == ' ' || c == ',' || c == '\t';
}

}  // namespace

std::optional<packet_type> parse_packet_type(std::string_view text) noexcept {
  for (auto const& p : packet_names) {
    if (iequals(text, p.name)) return p.type;
  }
  return std::nullopt;
}

std::string_view to_string(packet_type t) noexcept {
  for (auto const& p : packet_names) {
    if (p.type == t) return p.name;
  }
  return {};
}

// "Space- or comma-separated" per [SPEC]; real lists mix both (", "), so any run of
// separators counts as one and empty tokens are skipped. Comparison is case-insensitive
// (some clients send upper case) and the answer is always our canonical lower case.
std::optional<std::string_view> negotiate_protocol(std::string_view list) noexcept {
  std::size_t entries = 0;
  std::size_t pos = 0;
  while (pos < list.size() && entries < max_protocol_entries) {
    if (is_list_separator(list[pos])) {
      ++pos;
      continue;
    }
    std::size_t end = pos;
    while (end < list.size() && !is_list_separator(list[end])) ++end;
    ++entries;
    if (iequals(list.substr(pos, end - pos), upload_protocol_guid)) return upload_protocol_guid;
    pos = end;
  }
  return std::nullopt;
}

}  // namespace bits::core
