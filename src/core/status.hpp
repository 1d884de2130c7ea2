// An error as it travels up the layers: the protocol-level error the client is answered
// with, and what caused it (the operation and errno, or a library's error), so that the
// cause reaches the log line of the request that failed. Pure values, no I/O.
#pragma once

#include "core/error.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <iosfwd>
#include <string>
#include <utility>

namespace bits {

/// What lies behind a failure, for the operator; never sent to the client.
struct cause {
  cause() = default;
  explicit cause(std::string operation_in, boost::system::error_code detail_in = {},
                 std::string message_in = {})
      : operation(std::move(operation_in)), detail(detail_in), message(std::move(message_in)) {}

  std::string operation;             ///< what failed, e.g. "fdatasync data"; empty: unknown
  boost::system::error_code detail;  ///< errno (generic category) or a library's code, if any
  /// The library's own words where they say more than detail's message (e.g. the S3
  /// error code, message and request id); empty: detail's message is used.
  std::string message;

  /// "fdatasync data: No space left on device": the operation, then the message (or
  /// detail's), either alone when the other is missing; "" when nothing is known.
  [[nodiscard]] std::string text() const;

  [[nodiscard]] bool empty() const noexcept {
    return operation.empty() && !detail && message.empty();
  }
};

/// Success, or a failure: the bits::error the client is answered with plus its cause.
/// Tests like an error_code: true when it holds a failure. Converts implicitly from
/// bits::error and from error_code, so the results of core's parsers pass through.
class status {
 public:
  /// Success.
  status() noexcept = default;
  /// A failure without a known cause (a protocol decision, not a system failure).
  status(error e) noexcept : error_(e) {}
  /// A failure with its cause.
  status(error e, bits::cause c) noexcept : error_(e), cause_(std::move(c)) {}
  /// An error_code: success when empty; a bits error as it is; any other code is a
  /// storage_failure caused by it.
  status(boost::system::error_code const& ec);

  /// A failure caused by `operation` failing with errno `err`: disk_full for ENOSPC and
  /// EDQUOT, storage_failure for everything else.
  [[nodiscard]] static status from_errno(std::string operation, int err);

  [[nodiscard]] bool ok() const noexcept { return error_ == error{}; }
  [[nodiscard]] explicit operator bool() const noexcept { return !ok(); }

  /// The protocol-level error; meaningless on success.
  [[nodiscard]] error code() const noexcept { return error_; }
  /// What caused the failure; empty on success and for protocol decisions.
  [[nodiscard]] bits::cause const& why() const noexcept { return cause_; }
  /// "ok", or the error's message followed by " (cause)" when one is known, e.g. "the
  /// server is out of disk space (fdatasync data: No space left on device)".
  [[nodiscard]] std::string message() const;
  /// The error as an error_code (empty on success), for APIs that take one.
  [[nodiscard]] boost::system::error_code error_code() const noexcept;

  friend bool operator==(status const& s, error e) noexcept { return s.error_ == e; }
  /// A bits error_code compares with the error, any other with the cause's detail
  /// (e.g. an errno, or the S3 error that made this a storage_failure).
  friend bool operator==(status const& s, boost::system::error_code const& ec) noexcept {
    if (!ec) return s.ok();
    if (ec.category() == bits_category()) return s.error_code() == ec;
    return !s.ok() && s.cause_.detail == ec;
  }

 private:
  error error_{};
  bits::cause cause_;
};

/// Prints message().
std::ostream& operator<<(std::ostream& out, status const& s);

/// Value-or-status, for calls whose failures have causes (storage and service).
template <class T>
using status_or = boost::system::result<T, status>;

/// For status_or<T>::value(), which throws on error (tests only: never on the request
/// path).
[[noreturn]] void throw_exception_from_error(status const& s, boost::source_location const& loc);

}  // namespace bits
