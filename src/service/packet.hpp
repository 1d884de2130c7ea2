// Header-level validation of a BITS_POST request (reference 4.5 steps 3 and 4): the
// checks that need no session and no disk, in the order the reference fixes.
#pragma once

#include "core/content_range.hpp"
#include "core/error.hpp"
#include "core/message.hpp"
#include "core/protocol.hpp"
#include "core/session_id.hpp"

#include <cstdint>
#include <optional>

namespace bits::service {

/// A BITS_POST request whose headers are well-formed.
struct packet {
  core::packet_type type = core::packet_type::ping;
  std::uint64_t content_length = 0;
  std::optional<core::session_id> session;    ///< Fragment, Close-Session, Cancel-Session
  std::optional<core::content_range> range;   ///< Fragment
  std::optional<std::string_view> protocols;  ///< Create-Session: BITS-Supported-Protocols
};

/// Validates, in this order: Content-Length present and no chunked body
/// (length_required); every header value <= 4096 bytes (header_too_long);
/// BITS-Packet-Type present and a request packet (missing_/unknown_packet_type); no body
/// on bodiless packets (body_not_allowed); Content-Encoding absent or identity
/// (unsupported_encoding); Create-Session: BITS-Supported-Protocols present
/// (missing_protocols); Fragment/Close/Cancel: BITS-Session-Id present and well-formed
/// (missing_/malformed_session_id); Fragment: Content-Range present, well-formed and as
/// long as the body (missing_/malformed_content_range, range_length_mismatch).
/// A session id sent on a Ping or Create-Session is ignored. Pure.
[[nodiscard]] result<packet> parse_packet(core::request_head const& req) noexcept;

}  // namespace bits::service
