// The error table (every bits::error -> HTTP status, BITS-Error-Code, BITS-Error-Context)
// and the HRESULT text forms. Reviewed as a whole against docs/protocol-notes.md.
#include "core/wire_error.hpp"

#include "core/number_text.hpp"

#include <array>
#include <cstddef>

namespace bits::core {
namespace {

constexpr std::uint32_t ctx = error_context::remote_file;

constexpr wire_error invalid_arg(unsigned status = 400) {
  return {status, hresult::e_invalidarg, ctx};
}
constexpr wire_error access_denied(unsigned status = 403) {
  return {status, hresult::e_accessdenied, ctx};
}

// `0x` + at least `min_digits` upper-case hex digits.
std::string format_hex(std::uint32_t value, int min_digits) {
  std::string digits;
  for (int shift = 28; shift >= 0; shift -= 4) {
    auto const nibble = (value >> static_cast<unsigned>(shift)) & 0xFu;
    if (nibble != 0 || !digits.empty() || shift < 4 * min_digits) {
      digits.push_back(hex_digit(nibble));
    }
  }
  return "0x" + digits;
}

struct hresult_entry {
  std::uint32_t code;
  std::string_view name;
};

// Server-sent codes (reference 4.3), then client-side BITS codes (4.4, bitsmsg.h).
constexpr std::array<hresult_entry, 37> hresult_names = {{
    {hresult::ok, "S_OK"},
    {hresult::e_fail, "E_FAIL"},
    {hresult::e_accessdenied, "E_ACCESSDENIED"},
    {hresult::e_invalidarg, "E_INVALIDARG"},
    {hresult::path_not_found, "ERROR_PATH_NOT_FOUND"},
    {hresult::disk_full, "ERROR_DISK_FULL"},
    {hresult::session_not_found, "BG_E_SESSION_NOT_FOUND"},
    {hresult::too_large, "BG_E_TOO_LARGE"},
    {0x80200011, "BG_E_MISSING_FILE_SIZE"},
    {0x80200012, "BG_E_INSUFFICIENT_HTTP_SUPPORT"},
    {0x80200013, "BG_E_INSUFFICIENT_RANGE_SUPPORT"},
    {hresult::invalid_server_response, "BG_E_INVALID_SERVER_RESPONSE"},
    {0x8020001C, "BG_E_TOO_MANY_FILES"},
    {hresult::local_file_changed, "BG_E_LOCAL_FILE_CHANGED"},
    {0x8020001E, "BG_E_ERROR_CONTEXT_REMOTE_APPLICATION"},
    {0x80200021, "BG_E_STRING_TOO_LONG"},
    {hresult::protocol_mismatch, "BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH"},
    {0x80200023, "BG_E_SERVER_EXECUTE_ENABLE"},
    {0x80200024, "BG_E_NO_PROGRESS"},
    {0x80200025, "BG_E_USERNAME_TOO_LARGE"},
    {0x80200026, "BG_E_PASSWORD_TOO_LARGE"},
    {0x80200027, "BG_E_INVALID_AUTH_TARGET"},
    {0x80200028, "BG_E_INVALID_AUTH_SCHEME"},
    {0x8020002D, "BG_E_CONNECT_FAILURE"},
    {0x8020002E, "BG_E_CONNECTION_CLOSED"},
    {hresult::http_error_base + 400, "BG_E_HTTP_ERROR_400"},
    {hresult::http_error_base + 401, "BG_E_HTTP_ERROR_401"},
    {hresult::http_error_base + 403, "BG_E_HTTP_ERROR_403"},
    {hresult::http_error_base + 404, "BG_E_HTTP_ERROR_404"},
    {hresult::http_error_base + 407, "BG_E_HTTP_ERROR_407"},
    {hresult::http_error_base + 413, "BG_E_HTTP_ERROR_413"},
    {hresult::http_error_base + 416, "BG_E_HTTP_ERROR_416"},
    {hresult::http_error_base + 500, "BG_E_HTTP_ERROR_500"},
    {hresult::http_error_base + 501, "BG_E_HTTP_ERROR_501"},
    {hresult::http_error_base + 503, "BG_E_HTTP_ERROR_503"},
    {hresult::http_error_base + 505, "BG_E_HTTP_ERROR_505"},
    {0x80072F0C, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED"},
}};

}  // namespace

// Statuses and codes follow reference 4.3 and the per-packet tables of section 3; the
// places where sources disagree are pinned in docs/protocol-notes.md.
wire_error to_wire(error e) noexcept {
  switch (e) {
    case error::uploads_disabled:  // IIS 6: 501 + E_ACCESSDENIED (reference 2.4)
      return access_denied(501);
    case error::length_required:  // [SPEC] SHOULD 411 (Windows' own server says 400)
      return invalid_arg(411);
    case error::header_too_long:
    case error::missing_packet_type:
    case error::unknown_packet_type:
    case error::missing_session_id:
    case error::malformed_session_id:
    case error::missing_content_range:
    case error::malformed_content_range:
    case error::range_length_mismatch:
    case error::unsupported_encoding:
    case error::body_not_allowed:
    case error::missing_protocols:
    case error::no_common_protocol:  // not BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH (client-side)
    case error::invalid_path:
    case error::destination_is_directory:
    case error::total_length_changed:
      return invalid_arg();
    case error::session_not_found:  // makes the client start over with Create-Session
      return {500, hresult::session_not_found, ctx};
    case error::access_denied:
    case error::destination_exists:  // [SPEC] 403; [DOC] mentions 409 (transient: not used)
    case error::forbidden_path:
      return access_denied();
    case error::parent_not_found:
      return {404, hresult::path_not_found, ctx};
    case error::upload_too_large:  // fatal for the client
      return {500, hresult::too_large, ctx};
    case error::fragment_too_large:
      // No error code: the client's 413 rule is "shrink and retry"; a BITS code could
      // divert it into "report to the application" (reference 4.3).
      return {413, std::nullopt, ctx};
    case error::range_not_contiguous:  // [SPEC] table: HRESULT 0 with 416
      return {416, hresult::ok, ctx};
    case error::disk_full:  // HRESULT_FROM_WIN32(ERROR_DISK_FULL), not [SPEC]'s x80070112
      return {500, hresult::disk_full, ctx};
    case error::storage_failure:
      return {500, hresult::e_fail, ctx};
    case error::session_busy:  // 503 is transient for the client: it retries later
    case error::too_many_sessions:
      return {503, hresult::http_error_base + 503, ctx};
  }
  return {500, hresult::e_fail, ctx};  // a value outside the enum
}

std::string format_hresult(std::uint32_t code) {
  return code == 0 ? "0x0" : format_hex(code, 8);
}

std::string format_error_context(std::uint32_t context) {
  return format_hex(context, 1);
}

// Servers differ: [SPEC] writes "x8020001F", IIS "0x8020001F", Python servers lower case
// and one sends a bare "1" (reference 4.1). Compare numerically, accept them all.
std::optional<std::uint32_t> parse_hresult(std::string_view text) noexcept {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  } else if (!text.empty() && (text[0] == 'x' || text[0] == 'X')) {
    text.remove_prefix(1);
  }
  // Leading zeros are not counted: "0x000000001" is 1.
  auto const value = parse_hex_u64(text);
  if (!value || *value > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

std::string_view hresult_name(std::uint32_t code) noexcept {
  for (auto const& n : hresult_names) {
    if (n.code == code) return n.name;
  }
  return {};
}

}  // namespace bits::core
