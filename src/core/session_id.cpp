// Text forms of session ids: the brace-wrapped GUID on the wire, 32 hex digits in the
// spool. Generating ids (random bytes) is not here: core does no I/O.
#include "core/session_id.hpp"

#include "core/number_text.hpp"

#include <cstddef>

namespace bits::core {
namespace {

// Byte counts of the GUID groups: 8-4-4-4-12 hex digits.
constexpr std::array<std::size_t, 5> group_bytes = {4, 2, 2, 2, 6};

// Reads two hex digits at text[pos]; false on anything else.
bool read_byte(std::string_view text, std::size_t pos, std::uint8_t& out) noexcept {
  if (pos + 2 > text.size()) return false;
  auto const byte = hex_byte(text[pos], text[pos + 1]);
  if (!byte) return false;
  out = *byte;
  return true;
}

}  // namespace

std::string session_id::to_string() const {
  std::string out;
  out.reserve(38);
  out.push_back('{');
  std::size_t i = 0;
  for (std::size_t g = 0; g < group_bytes.size(); ++g) {
    if (g != 0) out.push_back('-');
    for (std::size_t n = 0; n < group_bytes[g]; ++n) append_hex_byte(out, bytes_[i++]);
  }
  out.push_back('}');
  return out;
}

std::string session_id::to_hex() const {
  return format_hex_bytes(bytes_);
}

std::string session_id::short_form() const {
  return to_hex().substr(0, 8);
}

// Strict layout: the client echoes exactly what we sent, so anything else is not ours
// and cannot name a session (reference 3.3, step 1).
result<session_id> parse_session_id(std::string_view text) noexcept {
  if (text.size() != 38 || text.front() != '{' || text.back() != '}') {
    return error::malformed_session_id;
  }
  session_id::bytes_type bytes{};
  std::size_t pos = 1;
  std::size_t i = 0;
  for (std::size_t g = 0; g < group_bytes.size(); ++g) {
    if (g != 0) {
      if (text[pos] != '-') return error::malformed_session_id;
      ++pos;
    }
    for (std::size_t n = 0; n < group_bytes[g]; ++n, pos += 2) {
      if (!read_byte(text, pos, bytes[i++])) return error::malformed_session_id;
    }
  }
  return session_id(bytes);
}

result<session_id> parse_session_hex(std::string_view text) noexcept {
  if (text.size() != 32) return error::malformed_session_id;
  session_id::bytes_type bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!read_byte(text, 2 * i, bytes[i])) return error::malformed_session_id;
  }
  return session_id(bytes);
}

// The bytes come from a CSPRNG, so the first eight are already a good hash.
std::size_t session_id_hash::operator()(session_id const& id) const noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8u) | id.bytes()[i];
  if constexpr (sizeof(std::size_t) < sizeof(std::uint64_t)) v ^= v >> 32u;
  return static_cast<std::size_t>(v);
}

}  // namespace bits::core
