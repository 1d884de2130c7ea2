// Names and values defined by the BITS Upload Protocol: one source of truth for the
// server and the client. Pure; no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bits::core {

/// Header names as BITS spells them. Compare names case-insensitively (HTTP).
namespace header {
inline constexpr std::string_view packet_type = "BITS-Packet-Type";
inline constexpr std::string_view supported_protocols = "BITS-Supported-Protocols";
inline constexpr std::string_view protocol = "BITS-Protocol";
inline constexpr std::string_view session_id = "BITS-Session-Id";
inline constexpr std::string_view host_id = "BITS-Host-Id";
inline constexpr std::string_view host_id_fallback_timeout = "BITS-Host-Id-Fallback-Timeout";
inline constexpr std::string_view received_content_range = "BITS-Received-Content-Range";
inline constexpr std::string_view reply_url = "BITS-Reply-URL";
inline constexpr std::string_view error_code = "BITS-Error-Code";
inline constexpr std::string_view error_code_alt = "BITS-Error";  ///< spec prose spelling
inline constexpr std::string_view error_context = "BITS-Error-Context";
inline constexpr std::string_view content_name = "Content-Name";
inline constexpr std::string_view content_range = "Content-Range";
inline constexpr std::string_view content_encoding = "Content-Encoding";
inline constexpr std::string_view accept_encoding = "Accept-Encoding";
inline constexpr std::string_view original_request_url = "BITS-Original-Request-URL";
inline constexpr std::string_view request_datafile_name = "BITS-Request-DataFile-Name";
inline constexpr std::string_view response_datafile_name = "BITS-Response-DataFile-Name";
inline constexpr std::string_view static_response_url = "BITS-Static-Response-URL";
inline constexpr std::string_view copy_file_to_destination = "BITS-Copy-File-To-Destination";
}  // namespace header

/// The extension method every BITS upload packet uses (case-sensitive, like any method).
inline constexpr std::string_view bits_post_method = "BITS_POST";

/// The only protocol GUID ever defined ("BITS 1.5 Upload Protocol"), canonical form.
inline constexpr std::string_view upload_protocol_guid = "{7df0354d-249b-430f-820d-3d2a9bef4931}";

/// Largest header value the server accepts (reference 2.1).
inline constexpr std::size_t max_header_value_bytes = 4096;

/// Smallest fragment a client shrinks to after 413, and so the smallest sensible
/// per-request limit (reference 5.4).
inline constexpr std::uint64_t min_fragment_size = 5 * 1024;

enum class packet_type { ping, create_session, fragment, close_session, cancel_session, ack };

/// Case-insensitive; empty for anything else (leading/trailing spaces included).
[[nodiscard]] std::optional<packet_type> parse_packet_type(std::string_view text) noexcept;

/// Wire spelling as Windows sends it: "Ping", "Create-Session", ..., "Ack".
[[nodiscard]] std::string_view to_string(packet_type t) noexcept;

/// True for packets that must not carry a body (all but Fragment).
[[nodiscard]] constexpr bool is_bodiless(packet_type t) noexcept {
  return t != packet_type::fragment;
}

/// Picks the first GUID in a BITS-Supported-Protocols list (space- and/or
/// comma-separated, brace-wrapped, any case) that we support; returns our canonical
/// spelling, or empty when none matches (the caller answers 400 E_INVALIDARG).
[[nodiscard]] std::optional<std::string_view> negotiate_protocol(std::string_view list) noexcept;

}  // namespace bits::core
