// TLS context construction: suites and protocol versions, certificate chain, key and
// client CA, each failure with the file it concerns and OpenSSL's reason.
#include "server/tls_context.hpp"

#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>
#include <string_view>

namespace bits::server {

namespace ssl = boost::asio::ssl;

namespace {

/// TLS 1.2 suites: forward-secret AEAD only (the 1.3 suites are all modern).
constexpr std::string_view modern_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

/// Added after the modern ones when tls_min_version is below 1.2: what Windows 7 and
/// Server 2008 R2 offer (CBC suites with SHA-1 or SHA-2 MACs, RSA key exchange), with or
/// without the TLS 1.2 update. OpenSSL 3 refuses TLS 1.0/1.1 handshakes (SHA-1
/// signatures) at any security level above 0, so the level is lowered here, and only here.
constexpr std::string_view legacy_ciphers =
    "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:"
    "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:AES128-GCM-SHA256:AES256-GCM-SHA384:"
    "AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:@SECLEVEL=0";

/// OpenSSL's protocol version for tls_min_version.
int tls_protocol_version(settings::tls_version configured) {
  switch (configured) {
    case settings::tls_version::v1_0:
      return TLS1_VERSION;
    case settings::tls_version::v1_1:
      return TLS1_1_VERSION;
    case settings::tls_version::v1_2:
      return TLS1_2_VERSION;
    case settings::tls_version::v1_3:
      return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

/// The oldest error on OpenSSL's queue as an error_code (empty when there is none).
boost::system::error_code openssl_error() {
  return {static_cast<int>(::ERR_get_error()), boost::asio::error::get_ssl_category()};
}

}  // namespace

setup_result<std::shared_ptr<ssl::context>> make_tls_context(tls_files const& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  int const min_version = tls_protocol_version(files.min_version);
  auto options = ssl::context::default_workarounds | ssl::context::no_sslv2 |
                 ssl::context::no_sslv3 | ssl::context::single_dh_use;
  if (min_version >= TLS1_2_VERSION) options |= ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1;
  ctx->set_options(options, ec);
  if (ec) return setup_error{"TLS options", ec};
  ::ERR_clear_error();
  if (::SSL_CTX_set_min_proto_version(ctx->native_handle(), min_version) != 1) {
    return setup_error{"TLS minimum version " + std::string(settings::name_of(files.min_version)),
                       openssl_error()};
  }
  std::string ciphers(modern_ciphers);
  if (min_version < TLS1_2_VERSION) ciphers += ":" + std::string(legacy_ciphers);
  if (::SSL_CTX_set_cipher_list(ctx->native_handle(), ciphers.c_str()) != 1) {
    return setup_error{"TLS cipher suites", openssl_error()};
  }
  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) return setup_error{"TLS certificate " + files.cert, ec};
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) return setup_error{"TLS key " + files.key, ec};
  if (::SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return setup_error{"TLS key " + files.key + " does not match the certificate", openssl_error()};
  }
  if (!files.client_ca.empty()) {
    ctx->load_verify_file(files.client_ca, ec);
    if (ec) return setup_error{"TLS client CA " + files.client_ca, ec};
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

setup_result<> tls_context_holder::load() {
  tls_files files;
  {
    std::lock_guard lock(mu_);
    files = files_;
  }
  return load(std::move(files));
}

setup_result<> tls_context_holder::load(tls_files files) {
  auto ctx = make_tls_context(files);
  if (!ctx) return ctx.error();
  std::lock_guard lock(mu_);
  files_ = std::move(files);
  ctx_ = std::move(*ctx);
  return {};
}

std::shared_ptr<ssl::context> tls_context_holder::current() const {
  std::lock_guard lock(mu_);
  return ctx_;
}

}  // namespace bits::server
