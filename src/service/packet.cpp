// Header validation of BITS_POST requests. The order of the checks is the reference's
// (4.5) so that a request with several faults always gets the same answer.
#include "service/packet.hpp"

namespace bits::service {

namespace {

bool has_session_header(core::packet_type t) noexcept {
  return t == core::packet_type::fragment || t == core::packet_type::close_session ||
         t == core::packet_type::cancel_session;
}

}  // namespace

result<packet> parse_packet(core::request_head const& req) noexcept {
  // Step 3. A chunked body has no Content-Length and is not valid BITS (reference 2.1).
  if (!req.content_length || req.chunked) return error::length_required;

  // Step 4: header syntax. The Windows server refuses values over 4 KB (reference 2.1).
  for (auto const& [name, value] : req.fields) {
    if (value.size() > core::max_header_value_bytes) return error::header_too_long;
  }
  auto const type_text = req.header(core::header::packet_type);
  if (!type_text) return error::missing_packet_type;
  auto const type = core::parse_packet_type(*type_text);
  if (!type || *type == core::packet_type::ack) return error::unknown_packet_type;

  packet p;
  p.type = *type;
  p.content_length = *req.content_length;
  if (core::is_bodiless(p.type) && p.content_length != 0) return error::body_not_allowed;
  if (auto const enc = req.header(core::header::content_encoding);
      enc && !core::iequals(*enc, "identity")) {
    return error::unsupported_encoding;
  }

  if (p.type == core::packet_type::create_session) {
    p.protocols = req.header(core::header::supported_protocols);
    if (!p.protocols) return error::missing_protocols;
  }
  if (has_session_header(p.type)) {
    auto const text = req.header(core::header::session_id);
    if (!text) return error::missing_session_id;
    auto id = core::parse_session_id(*text);
    if (!id) return id.error();
    p.session = *id;
  }
  if (p.type == core::packet_type::fragment) {
    auto const text = req.header(core::header::content_range);
    if (!text) return error::missing_content_range;
    auto range = core::parse_content_range(*text);
    if (!range) return range.error();
    if (range->length != p.content_length) return error::range_length_mismatch;
    p.range = *range;
  }
  return p;
}

}  // namespace bits::service
