// What can go wrong talking to an S3-compatible store, as a small enum for decisions
// (retry, which BITS error to answer) plus the store's own words as the cause.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <type_traits>

namespace bits::s3 {

/// The kinds of failure a caller decides on. Anything not listed is `rejected`.
enum class errc {
  unreachable = 1,        ///< no connection, TLS failure, timeout, cut-off transfer
  throttled,              ///< 503 SlowDown (or 429): back off
  server_error,           ///< 5xx other than SlowDown
  auth_failed,            ///< 403: wrong key or secret, bad signature, clock skew, no access
  no_such_bucket,         ///< 404 NoSuchBucket
  no_such_key,            ///< 404 NoSuchKey (or a HEAD answered 404)
  no_such_upload,         ///< 404 NoSuchUpload: the multipart upload is gone
  precondition_failed,    ///< 412: If-None-Match / If-Match refused the write or read
  range_not_satisfiable,  ///< 416
  rejected,               ///< any other 4xx (InvalidPart, EntityTooSmall, BucketAlreadyExists...)
  bad_response,           ///< 2xx whose body could not be understood (or an error inside it)
};

/// The category of errc; name "s3".
[[nodiscard]] boost::system::error_category const& s3_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), s3_category()};
}

/// One failed call: the kind, and what the store (or libcurl) said. Never holds
/// credentials: the request's Authorization header is not kept.
struct failure {
  errc kind = errc::rejected;
  int http_status = 0;     ///< 0 when no response arrived
  std::string code;        ///< S3 error code (e.g. "SlowDown"), or the curl error name
  std::string message;     ///< S3 error message, or curl's error text
  std::string request_id;  ///< x-amz-request-id, when the store sent one
  int attempts = 1;        ///< how many times the call was sent

  [[nodiscard]] boost::system::error_code ec() const noexcept { return make_error_code(kind); }
  /// One line for a log: "no_such_key (404 NoSuchKey: ...; request ...; 1 attempt)".
  [[nodiscard]] std::string describe() const;
};

/// Name of the kind ("unreachable", "throttled", ...).
[[nodiscard]] char const* to_string(errc e) noexcept;

/// True for the kinds worth sending again: unreachable, throttled, server_error.
[[nodiscard]] bool is_transient(errc e) noexcept;

/// Value or failure.
template <class T>
using result = boost::system::result<T, failure>;

/// For boost::system::result<T, failure>::value() (tests only).
[[noreturn]] void throw_exception_from_error(failure const& f, boost::source_location const& loc);

}  // namespace bits::s3

template <>
struct boost::system::is_error_code_enum<bits::s3::errc> : std::true_type {};
