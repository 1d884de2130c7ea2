// The single table from bits::error to what an error Ack carries on the wire:
// HTTP status, BITS-Error-Code (an HRESULT) and BITS-Error-Context.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::core {

/// HRESULTs a server sends or a client reports (reference 4.3, 4.4).
namespace hresult {
inline constexpr std::uint32_t ok = 0x00000000;
inline constexpr std::uint32_t e_fail = 0x80004005;
inline constexpr std::uint32_t e_accessdenied = 0x80070005;
inline constexpr std::uint32_t e_invalidarg = 0x80070057;
inline constexpr std::uint32_t path_not_found =
    0x80070003;  ///< HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)
inline constexpr std::uint32_t disk_full = 0x80070070;  ///< HRESULT_FROM_WIN32(ERROR_DISK_FULL)
inline constexpr std::uint32_t session_not_found = 0x8020001F;  ///< BG_E_SESSION_NOT_FOUND
inline constexpr std::uint32_t too_large = 0x80200020;          ///< BG_E_TOO_LARGE
inline constexpr std::uint32_t invalid_server_response = 0x8020001B;
inline constexpr std::uint32_t local_file_changed = 0x8020001D;
inline constexpr std::uint32_t protocol_mismatch = 0x80200022;
inline constexpr std::uint32_t http_error_base = 0x80190000;  ///< + HTTP status
}  // namespace hresult

/// BG_ERROR_CONTEXT values that travel on the wire (reference 4.2).
namespace error_context {
inline constexpr std::uint32_t remote_file = 0x5;         ///< the BITS server itself
inline constexpr std::uint32_t remote_application = 0x7;  ///< the server application
}  // namespace error_context

/// What an error Ack says. `code` is empty where the status alone speaks (413).
struct wire_error {
  unsigned status = 500;
  std::optional<std::uint32_t> code;
  std::uint32_t context = error_context::remote_file;
};

/// The wire form of `e`: exhaustive switch, no default. noexcept, pure.
[[nodiscard]] wire_error to_wire(error e) noexcept;

/// `0x` + eight upper-case hex digits, e.g. "0x8020001F"; 0 gives "0x0".
[[nodiscard]] std::string format_hresult(std::uint32_t code);

/// BITS-Error-Context as the wire writes it: `0x` + upper-case hex without leading
/// zeros, e.g. "0x5", "0x7".
[[nodiscard]] std::string format_error_context(std::uint32_t context);

/// Parses an HRESULT as servers send it: hex with or without `0x`/`x`, any case.
/// Empty on anything else (signs, non-hex, more than 8 significant digits).
[[nodiscard]] std::optional<std::uint32_t> parse_hresult(std::string_view text) noexcept;

/// Symbolic name of a known HRESULT ("BG_E_TOO_LARGE"), or empty.
[[nodiscard]] std::string_view hresult_name(std::uint32_t code) noexcept;

}  // namespace bits::core
