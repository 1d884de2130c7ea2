// The TLS server context of the tls:// listeners: built from the configured PEM files
// and tls_min_version, swapped on SIGHUP, handed to each new connection.
#pragma once

#include "server/setup_error.hpp"
#include "settings/types.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace bits::server {

/// What the TLS context is made of: the [server] settings tls_cert, tls_key,
/// tls_client_ca and tls_min_version. Reloaded on SIGHUP.
struct tls_files {
  std::string cert;       ///< certificate chain
  std::string key;        ///< private key
  std::string client_ca;  ///< when set, clients must present a certificate signed by it
  /// Oldest protocol accepted. Below 1.2 the legacy CBC suites and OpenSSL security
  /// level 0 are enabled for old Windows clients.
  settings::tls_version min_version = settings::tls_version::v1_2;
};

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

  /// Builds the context from `files` and, when that succeeds, makes them the files and
  /// the context (a reload that changed the paths). On failure nothing changes.
  [[nodiscard]] setup_result<> load(tls_files files);

  /// The context for a new connection; null until load() first succeeded.
  [[nodiscard]] std::shared_ptr<boost::asio::ssl::context> current() const;

 private:
  tls_files files_;  ///< guarded by mu_
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;  ///< guarded by mu_
};

}  // namespace bits::server
