// The TLS server context of the tls:// listeners: built from the configured PEM files
// and tls_min_version, swapped on SIGHUP, handed to each new connection.
#pragma once

#include "server/server_options.hpp"
#include "server/setup_error.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>

namespace bits::server {

/// A TLS server context for `files`: the whole chain of files.cert, files.key (checked
/// against the certificate), clients verified against files.client_ca when it is set.
/// Protocols from files.min_version up; TLS 1.2 suites are forward-secret AEAD only,
/// and below 1.2 the legacy CBC suites of old Windows clients follow them (with OpenSSL
/// security level 0, which TLS 1.0/1.1 need). Errors name the file and carry
/// OpenSSL's reason.
[[nodiscard]] setup_result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    tls_files const& files);

/// Holds the context that new TLS connections get. A connection keeps the context it
/// started with (it holds a shared_ptr), so a reload never disturbs a live one.
/// Thread-safe.
class tls_context_holder {
 public:
  explicit tls_context_holder(tls_files files) : files_(std::move(files)) {}

  /// Builds the context from the files (make_tls_context) and swaps it in: at
  /// start-up, and again on reload. On failure the current context stays.
  [[nodiscard]] setup_result<> load();

  /// The context for a new connection; null until load() first succeeded.
  [[nodiscard]] std::shared_ptr<boost::asio::ssl::context> current() const;

 private:
  tls_files files_;
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;  ///< guarded by mu_
};

}  // namespace bits::server
