// Every expected failure of the BITS Upload Protocol as one enum, plugged into
// boost::system::error_code. How each maps to the wire lives in wire_error.hpp.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace bits {

/// Expected failures: malformed or inconsistent requests, unknown sessions, storage
/// trouble. Values, never exceptions. Each one has exactly one wire mapping
/// (core::to_wire), so adding an enumerator without mapping it does not compile
/// (-Werror=switch).
enum class error {
  // Routing (reference 2.4, 4.5 step 1)
  uploads_disabled = 1,  ///< BITS_POST outside an upload-enabled virtual directory
  // Framing and header syntax (4.5 steps 3-4)
  length_required,          ///< no Content-Length (or a chunked body)
  header_too_long,          ///< a header value over 4096 bytes
  missing_packet_type,      ///< no BITS-Packet-Type
  unknown_packet_type,      ///< BITS-Packet-Type not one of the five request packets
  missing_session_id,       ///< Fragment/Close/Cancel without BITS-Session-Id
  malformed_session_id,     ///< BITS-Session-Id that is not one of our GUIDs
  missing_content_range,    ///< Fragment without Content-Range
  malformed_content_range,  ///< Content-Range not `bytes first-last/total` (or `*/0`)
  range_length_mismatch,    ///< Content-Length differs from the range's length
  unsupported_encoding,     ///< Content-Encoding other than identity
  body_not_allowed,         ///< a body on Ping, Create-Session, Close- or Cancel-Session
  missing_protocols,        ///< Create-Session without BITS-Supported-Protocols
  no_common_protocol,       ///< none of the client's GUIDs is ours
  invalid_path,             ///< URL path that is malformed or would leave the root
  // Session lookup (4.5 step 5)
  session_not_found,  ///< unknown, expired, closed or cancelled session
  access_denied,      ///< the session belongs to another principal
  // Packet semantics (4.5 step 6)
  destination_is_directory,  ///< the URL names a directory
  destination_exists,        ///< file exists and allow_overwrites is off
  forbidden_path,            ///< a symlink or non-regular file on the way to the destination
  parent_not_found,          ///< the destination's folder does not exist
  total_length_changed,      ///< Content-Range total differs from the session's
  upload_too_large,          ///< total above max_upload_size
  fragment_too_large,        ///< body above max_fragment_size (the client shrinks)
  range_not_contiguous,      ///< first byte beyond what the server holds (gap)
  disk_full,                 ///< ENOSPC/EDQUOT while writing
  storage_failure,           ///< any other I/O failure on the server's side
  session_busy,              ///< another request for the session is being processed
  too_many_sessions,         ///< open-session limit reached
};

/// The category of bits::error; name "bits".
[[nodiscard]] boost::system::error_category const& bits_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), bits_category()};
}

/// Value-or-error. Never call .value() outside tests: it throws on error.
template <class T>
using result = boost::system::result<T>;

}  // namespace bits

template <>
struct boost::system::is_error_code_enum<bits::error> : std::true_type {};
