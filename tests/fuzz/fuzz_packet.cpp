// parse_packet on an arbitrary request head: any Content-Length (or none), chunked or
// not, and a header list built from the fuzzer's bytes (BITS names or raw ones, values of
// any length). An accepted packet must carry what its type needs; a refusal must be the
// first fault in the documented order.
#include "service/packet.hpp"

#include "core/message.hpp"
#include "fuzz/fuzz_check.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace core = bits::core;
using bits::error;

constexpr std::array<std::string_view, 8> names = {core::header::packet_type,
                                                   core::header::session_id,
                                                   core::header::content_range,
                                                   core::header::supported_protocols,
                                                   core::header::content_encoding,
                                                   "bits-packet-type",
                                                   "Content-Length",
                                                   "X-Other"};

core::request_head make_head(bits::fuzz::fuzz_input& in, std::vector<std::string>& storage) {
  core::request_head req;
  req.method = core::bits_post_method;
  req.target = "/up/file.bin";
  std::uint8_t const flags = in.u8();
  if ((flags & 1u) != 0) req.content_length = (flags & 2u) != 0 ? in.u64() : in.u8();
  req.chunked = (flags & 4u) != 0;
  std::size_t const count = in.below(8);
  storage.reserve(2 * count);  // views into it must stay valid
  for (std::size_t i = 0; i < count && !in.empty(); ++i) {
    std::uint8_t const pick = in.u8();
    storage.emplace_back(pick < names.size() ? names[pick] : in.short_text());
    std::string_view const name = storage.back();
    // Mostly short values; sometimes long enough to pass the 4096-byte limit.
    std::size_t const length =
        (pick & 0x80u) != 0 ? std::size_t{in.u16()} % 5000 : std::size_t{in.u8()};
    std::string value(in.text(length));
    if (value.size() < length && (pick & 0x40u) != 0) value.resize(length, 'a');
    storage.push_back(std::move(value));
    req.fields.emplace_back(name, storage.back());
  }
  return req;
}

// The first fault that needs nothing but the field list (steps 3 and 4, reference 4.5).
std::optional<error> framing_fault(core::request_head const& req) {
  if (!req.content_length || req.chunked) return error::length_required;
  for (auto const& [name, value] : req.fields) {
    if (value.size() > core::max_header_value_bytes) return error::header_too_long;
  }
  auto const type = req.header(core::header::packet_type);
  if (!type) return error::missing_packet_type;
  auto const t = core::parse_packet_type(*type);
  if (!t || *t == core::packet_type::ack) return error::unknown_packet_type;
  if (core::is_bodiless(*t) && *req.content_length != 0) return error::body_not_allowed;
  return std::nullopt;
}

void check_accepted(core::request_head const& req, bits::service::packet const& p) {
  BITS_FUZZ_CHECK(p.type != core::packet_type::ack);
  BITS_FUZZ_CHECK(req.content_length == p.content_length && !req.chunked);
  BITS_FUZZ_CHECK(!core::is_bodiless(p.type) || p.content_length == 0);
  bool const needs_session = p.type == core::packet_type::fragment ||
                             p.type == core::packet_type::close_session ||
                             p.type == core::packet_type::cancel_session;
  BITS_FUZZ_CHECK(p.session.has_value() == needs_session);
  if (p.session) {
    auto const text = req.header(core::header::session_id);
    BITS_FUZZ_CHECK(text && core::iequals(p.session->to_string(), *text));
  }
  BITS_FUZZ_CHECK(p.range.has_value() == (p.type == core::packet_type::fragment));
  if (p.range) BITS_FUZZ_CHECK(p.range->length == p.content_length);
  BITS_FUZZ_CHECK(p.protocols.has_value() == (p.type == core::packet_type::create_session));
  if (auto const enc = req.header(core::header::content_encoding)) {
    BITS_FUZZ_CHECK(core::iequals(*enc, "identity"));
  }
  for (auto const& [name, value] : req.fields) {
    BITS_FUZZ_CHECK(value.size() <= core::max_header_value_bytes);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  bits::fuzz::fuzz_input in(data, size);
  std::vector<std::string> storage;
  core::request_head const req = make_head(in, storage);

  auto const p = bits::service::parse_packet(req);
  auto const fault = framing_fault(req);
  if (fault) {
    BITS_FUZZ_CHECK(!p.has_value());
    BITS_FUZZ_CHECK(p.error() == *fault);
    return 0;
  }
  if (p) check_accepted(req, *p);
  return 0;
}
