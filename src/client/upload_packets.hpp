// The BITS upload packets as requests, and what their Acks say: the protocol knowledge
// of the upload job, kept apart from its control flow (reference sections 3, 4, 13).
#pragma once

#include "client/failure.hpp"
#include "core/content_range.hpp"
#include "core/error.hpp"
#include "core/protocol.hpp"
#include "net/http_types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::client {

/// A bodiless BITS_POST packet (Ping, Create-Session, Close-Session, Cancel-Session):
/// BITS-Packet-Type, BITS-Session-Id unless empty, BITS-Supported-Protocols on
/// Create-Session, Content-Name when given, Content-Length: 0.
[[nodiscard]] net::request make_packet(core::packet_type type, std::string const& url,
                                       std::string const& session_id,
                                       std::string const& content_name = {});

/// A Fragment carrying `range` of `file`: Content-Range (`bytes */0` for the empty
/// file), Content-Length equal to the range length, no Content-Encoding.
[[nodiscard]] net::request make_fragment(std::string const& url, std::string const& session_id,
                                         core::content_range const& range, net::body_reader& file,
                                         std::string const& content_name);

/// BITS-Error-Code (or the spec's BITS-Error spelling) as a number, if present.
[[nodiscard]] std::optional<std::uint32_t> bits_error_code(net::response const& r) noexcept;

/// True when an error Ack (any status but 2xx; reference 4.1, 4.6) says
/// BG_E_SESSION_NOT_FOUND.
[[nodiscard]] bool is_session_not_found(net::response const& r) noexcept;

/// What any answer to a BITS packet must be before its status means anything: HTTP/1.1
/// (an HTTP/1.0 status line gives errc::insufficient_http_support,
/// BG_E_INSUFFICIENT_HTTP_SUPPORT) and, when the status is 2xx, an Ack
/// (BITS-Packet-Type: Ack in any case, else errc::invalid_server_response). Nothing else
/// is required of a 2xx here: error headers on it are ignored (reference 4.1), and
/// BITS-Session-Id, Accept-Encoding and the like are optional (reference Q7, Q12).
/// Both failures are permanent. Empty when `r` may be read as an Ack.
[[nodiscard]] std::optional<failure> check_ack(net::response const& r, std::string const& where);

/// The failure an error Ack stands for: errc::server_error with the status, the
/// BITS-Error-Code (else BG_E_HTTP_ERROR_<status>), the context, transient per
/// is_transient_status unless the code is BG_E_TOO_LARGE, E_INVALIDARG or
/// E_ACCESSDENIED, which are always final. `where` names the exchange; a 401 (407)
/// lists the schemes of its WWW-Authenticate (Proxy-Authenticate) fields as detail.
[[nodiscard]] failure failure_from_response(net::response const& r, std::string where);

/// A failure of errc::invalid_server_response (or `e`) about `r`, with `what` as detail.
[[nodiscard]] failure protocol_failure(net::response const& r, std::string where, std::string what,
                                       errc e = errc::invalid_server_response);

/// BITS-Received-Content-Range of a 200/416 Ack, validated 0 <= N <= total; empty when
/// missing or invalid (the caller reports BG_E_INVALID_SERVER_RESPONSE).
[[nodiscard]] std::optional<std::uint64_t> received_offset(net::response const& r,
                                                           std::uint64_t total) noexcept;

/// What a successful Create-Session Ack tells the client.
struct create_ack {
  std::string session_id;
  std::string host_id;                      ///< empty = none
  std::optional<std::uint64_t> fallback_s;  ///< BITS-Host-Id-Fallback-Timeout
};

/// Reads a 200/201 Create-Session Ack: BITS-Session-Id required (any HTTP field value of
/// 1 to 100 ASCII characters, GUID or not, echoed verbatim; reference Q11);
/// BITS-Protocol, when present, must be the GUID we offered; Accept-Encoding is not
/// required (reference Q12). Errors as failures: errc::invalid_server_response,
/// errc::protocol_mismatch.
[[nodiscard]] std::optional<failure> parse_create_ack(net::response const& r, create_ack& out);

/// "Fragment bytes 0-65535/100000" (what a failure message names).
[[nodiscard]] std::string describe_fragment(core::content_range const& range);

}  // namespace bits::client
