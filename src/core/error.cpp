// The "bits" error category: one English sentence per bits::error. These messages reach
// logs and the client's one-line failure reason, so they say what happened in words an
// operator or user understands without reading the protocol reference.
#include "core/error.hpp"

#include "core/error_category.hpp"

namespace bits {
namespace {

// Exhaustive switch without default: -Werror=switch flags an enumerator without text.
char const* describe(error e) noexcept {
  switch (e) {
    case error::uploads_disabled:
      return "uploads are not enabled for this URL";
    case error::length_required:
      return "request has no Content-Length";
    case error::header_too_long:
      return "a header value is longer than 4096 bytes";
    case error::missing_packet_type:
      return "request has no BITS-Packet-Type header";
    case error::unknown_packet_type:
      return "BITS-Packet-Type is not a known request packet";
    case error::missing_session_id:
      return "request has no BITS-Session-Id header";
    case error::malformed_session_id:
      return "BITS-Session-Id is not a valid session identifier";
    case error::missing_content_range:
      return "Fragment has no Content-Range header";
    case error::malformed_content_range:
      return "Content-Range is not of the form 'bytes first-last/total'";
    case error::range_length_mismatch:
      return "Content-Length does not match the length of the Content-Range";
    case error::unsupported_encoding:
      return "Content-Encoding other than identity is not supported";
    case error::body_not_allowed:
      return "this packet type must not carry a body";
    case error::missing_protocols:
      return "Create-Session has no BITS-Supported-Protocols header";
    case error::no_common_protocol:
      return "client and server have no upload protocol in common";
    case error::invalid_path:
      return "the URL path is malformed or leaves the upload directory";
    case error::session_not_found:
      return "upload session not found (unknown, expired, closed or cancelled)";
    case error::access_denied:
      return "access denied: the session belongs to another user";
    case error::destination_is_directory:
      return "the destination URL names a directory";
    case error::destination_exists:
      return "the destination file exists and overwriting is not allowed";
    case error::forbidden_path:
      return "the destination path contains a symbolic link or special file";
    case error::parent_not_found:
      return "the destination's parent folder does not exist";
    case error::total_length_changed:
      return "the file's total length differs from the one first announced";
    case error::upload_too_large:
      return "the file is larger than the server accepts";
    case error::fragment_too_large:
      return "the fragment is larger than the server accepts in one request";
    case error::range_not_contiguous:
      return "the fragment starts beyond the bytes the server holds";
    case error::disk_full:
      return "the server is out of disk space";
    case error::storage_failure:
      return "the server failed to store the data";
    case error::session_busy:
      return "another request for this session is in progress";
    case error::too_many_sessions:
      return "too many open upload sessions";
  }
  return nullptr;  // a value outside the enum (e.g. an int from elsewhere)
}

}  // namespace

boost::system::error_category const& bits_category() noexcept {
  static core::enum_category<error> const instance{"bits", describe, "unknown bits error"};
  return instance;
}

}  // namespace bits
