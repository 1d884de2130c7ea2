// Failures of setting the front up (listeners, TLS, the port file) as one value: what
// was being done, and the cause the kernel or the library gave, so that the log line
// names both.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>

namespace bits::server {

/// Why the front could not start, or could not reload its certificate.
struct setup_error {
  /// What was being done: "cannot listen on 0.0.0.0:80", "TLS certificate /etc/x.pem".
  std::string context;
  /// Why: errno (system category), OpenSSL (Asio's ssl category), a resolver or other
  /// Asio error. Empty when the context says it all.
  boost::system::error_code cause;

  /// "context: cause message", or the context alone when there is no cause.
  [[nodiscard]] std::string message() const;
};

/// A value, or the setup_error that prevented it.
template <class T = void>
using setup_result = boost::system::result<T, setup_error>;

}  // namespace bits::server
