// Upload packets and Ack interpretation.
#include "client/upload_packets.hpp"

#include "client/retry.hpp"
#include "core/message.hpp"
#include "core/wire_error.hpp"

namespace bits::client {
namespace {

constexpr std::size_t max_session_id_chars = 100;  // [DOC]: any HTTP-legal string <= 100

// Reference 2.3, Q11: a session id is any HTTP field value of at most 100 characters,
// echoed verbatim: visible ASCII, with spaces or tabs inside (the ends were trimmed
// when the header was read). Non-ASCII bytes (obs-text) are refused: the JSON state
// file could not keep them byte for byte. Empty when `id` is usable.
std::string session_id_problem(std::optional<std::string_view> id) {
  if (!id || id->empty()) return "no BITS-Session-Id in the Ack";
  if (id->size() > max_session_id_chars) {
    return "BITS-Session-Id longer than " + std::to_string(max_session_id_chars) + " characters";
  }
  for (char const c : *id) {
    auto const u = static_cast<unsigned char>(c);
    bool const visible = u >= 0x21 && u <= 0x7E;
    if (!visible && c != ' ' && c != '\t') {
      return "BITS-Session-Id with a control or non-ASCII byte";
    }
  }
  return {};
}

// "Negotiate, NTLM" from the WWW-Authenticate (or Proxy-Authenticate) fields of a 401
// (407): tells the user whether other credentials or --auth any could help.
std::string offered_schemes(net::response const& r, std::string_view field) {
  std::string out;
  for (auto const& [name, value] : r.headers) {
    if (!core::iequals(name, field)) continue;
    std::string_view const scheme = std::string_view(value).substr(0, value.find(' '));
    if (scheme.empty()) continue;
    out += (out.empty() ? "" : ", ") + std::string(scheme);
  }
  return out.empty() ? "none named" : out;
}

}  // namespace

net::request make_packet(core::packet_type type, std::string const& url,
                         std::string const& session_id, std::string const& content_name) {
  net::request r;
  r.method = std::string(core::bits_post_method);
  r.url = url;
  r.headers.emplace_back(core::header::packet_type, core::to_string(type));
  if (!session_id.empty()) r.headers.emplace_back(core::header::session_id, session_id);
  if (type == core::packet_type::create_session) {
    r.headers.emplace_back(core::header::supported_protocols, core::upload_protocol_guid);
  }
  if (!content_name.empty()) r.headers.emplace_back(core::header::content_name, content_name);
  return r;
}

net::request make_fragment(std::string const& url, std::string const& session_id,
                           core::content_range const& range, net::body_reader& file,
                           std::string const& content_name) {
  net::request r = make_packet(core::packet_type::fragment, url, session_id, content_name);
  r.headers.emplace_back(core::header::content_range, core::format_content_range(range));
  r.body = &file;
  r.body_offset = range.first;
  r.body_length = range.length;
  return r;
}

// [SPEC] prose calls the header BITS-Error; servers send BITS-Error-Code (reference 4.1).
std::optional<std::uint32_t> bits_error_code(net::response const& r) noexcept {
  auto text = r.header(core::header::error_code);
  if (!text) text = r.header(core::header::error_code_alt);
  if (!text) return std::nullopt;
  return core::parse_hresult(*text);
}

// Error headers on a 2xx mean nothing (reference 4.1): a Python server that Windows
// works with sends BITS-Error-Code: 1 on its 200 Ping Ack.
bool is_session_not_found(net::response const& r) noexcept {
  return r.status / 100 != 2 && bits_error_code(r) == core::hresult::session_not_found;
}

std::optional<failure> check_ack(net::response const& r, std::string const& where) {
  if (r.http_version != 0 && r.http_version < 11) {
    return protocol_failure(r, where, "the answer was HTTP/1.0", errc::insufficient_http_support);
  }
  if (r.status / 100 != 2) return std::nullopt;
  auto const type = r.header(core::header::packet_type);
  if (type && core::iequals(*type, core::to_string(core::packet_type::ack))) return std::nullopt;
  return protocol_failure(
      r, where,
      type ? "BITS-Packet-Type: " + std::string(*type) + " instead of Ack"
           : "a success status without BITS-Packet-Type: Ack (not a BITS upload URL?)");
}

failure failure_from_response(net::response const& r, std::string where) {
  failure f;
  f.ec = make_error_code(errc::server_error);
  f.http_status = r.status;
  f.hresult = bits_error_code(r);
  // Windows reports a bare status as BG_E_HTTP_ERROR_<status> (reference 4.4).
  if (!f.hresult || *f.hresult == core::hresult::ok)
    f.hresult = core::hresult::http_error_base + r.status;
  if (auto ctx = r.header(core::header::error_context)) f.context = core::parse_hresult(*ctx);
  f.where = std::move(where);
  // Reference 4.6: these codes are reported to the user whatever the status, even a
  // 500 that would otherwise be retried.
  bool const fatal_code = f.hresult == core::hresult::too_large ||
                          f.hresult == core::hresult::e_invalidarg ||
                          f.hresult == core::hresult::e_accessdenied;
  f.transient = !fatal_code && is_transient_status(r.status);
  if (r.status == 401)
    f.detail = "authentication offered: " + offered_schemes(r, "WWW-Authenticate");
  if (r.status == 407) {
    f.detail = "proxy authentication offered: " + offered_schemes(r, "Proxy-Authenticate");
  }
  return f;
}

failure protocol_failure(net::response const& r, std::string where, std::string what, errc e) {
  failure f;
  f.ec = make_error_code(e);
  f.hresult = hresult_of(e);
  f.http_status = r.status;
  f.where = std::move(where);
  f.detail = std::move(what);
  return f;
}

std::optional<std::uint64_t> received_offset(net::response const& r, std::uint64_t total) noexcept {
  auto const text = r.header(core::header::received_content_range);
  if (!text) return std::nullopt;
  auto const n = core::parse_decimal_u64(*text);
  if (!n || *n > total) return std::nullopt;
  return n;
}

std::optional<failure> parse_create_ack(net::response const& r, create_ack& out) {
  auto const id = r.header(core::header::session_id);
  if (auto problem = session_id_problem(id); !problem.empty()) {
    return protocol_failure(r, "Create-Session", std::move(problem));
  }
  if (auto const proto = r.header(core::header::protocol);
      proto && !core::iequals(*proto, core::upload_protocol_guid)) {
    return protocol_failure(r, "Create-Session", "server chose protocol " + std::string(*proto),
                            errc::protocol_mismatch);
  }
  out.session_id = std::string(*id);
  out.host_id.clear();
  out.fallback_s.reset();
  if (auto const host = r.header(core::header::host_id); host && !host->empty()) {
    out.host_id = std::string(*host);
    if (auto const t = r.header(core::header::host_id_fallback_timeout)) {
      out.fallback_s = core::parse_decimal_u64(*t);
    }
  }
  return std::nullopt;
}

std::string describe_fragment(core::content_range const& range) {
  return "Fragment " + core::format_content_range(range);
}

}  // namespace bits::client
