// A blocking TLS client to 127.0.0.1 on OpenSSL's C API: handshake with a chosen
// protocol range and optional client certificate, then HTTP/1.1 requests whose
// responses are read one at a time. Every socket operation is bounded by a timeout.
#pragma once

#include "support/http_response.hpp"

#include <openssl/ssl.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace bits::test {

struct tls_options {
  int min_version = TLS1_2_VERSION;
  int max_version = 0;   ///< 0 = the library's highest
  std::string cert_pem;  ///< client certificate file, "" = none
  std::string key_pem;
  std::string ciphers;  ///< TLS 1.2 and older cipher list offered, "" = the library's default
  /// When set, the only trusted CA: the server's chain must verify up to it, for the
  /// host name "localhost". Otherwise the server certificate is not verified.
  std::string trusted_ca_pem;
};

/// Lower-case hex SHA-256 of the first certificate (DER) in the PEM file, "" on failure.
[[nodiscard]] std::string cert_file_fingerprint(std::string const& pem_file);

class tls_client {
 public:
  /// Connects to 127.0.0.1:`port` and completes the handshake (5 s socket timeout).
  /// The server certificate is verified only with options.trusted_ca_pem. is_open() is
  /// false on failure and last_error() says why.
  tls_client(std::uint16_t port, tls_options const& options = {});
  ~tls_client();
  tls_client(tls_client const&) = delete;
  tls_client& operator=(tls_client const&) = delete;

  [[nodiscard]] bool is_open() const noexcept { return ssl_ != nullptr; }
  [[nodiscard]] std::string const& last_error() const noexcept { return error_; }
  /// Lower-case hex SHA-256 of the server certificate (DER), "" when none.
  [[nodiscard]] std::string peer_fingerprint() const;

  bool send(std::string_view bytes);
  /// Reads one response with a Content-Length body (or none).
  [[nodiscard]] http_response read_response();
  [[nodiscard]] http_response request(std::string_view bytes) {
    if (!send(bytes)) return {};
    return read_response();
  }
  /// BITS_POST with the given packet type, headers and body (Content-Length set).
  [[nodiscard]] http_response bits_post(std::string_view path, std::string_view packet_type,
                                        header_list const& extra = {}, std::string_view body = {});

 private:
  bool fill();

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string buffer_;
  std::string error_;
};

}  // namespace bits::test
