// tls_client: OpenSSL over a plain blocking socket with SO_RCVTIMEO/SO_SNDTIMEO.
#include "security/tls_client.hpp"

#include "core/number_text.hpp"

#include "support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace bits::test {

namespace {

std::string openssl_errors() {
  std::string text;
  while (unsigned long const e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    text += std::string(buf) + "; ";
  }
  return text;
}

int connect_tcp(std::uint16_t port) {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  return core::format_hex_bytes(std::span<std::uint8_t const>(md, len), core::hex_case::lower);
}

}  // namespace

std::string cert_file_fingerprint(std::string const& pem_file) {
  FILE* file = std::fopen(pem_file.c_str(), "r");
  if (file == nullptr) return {};
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (cert == nullptr) return {};
  std::string out = fingerprint(cert);
  X509_free(cert);
  return out;
}

tls_client::tls_client(std::uint16_t port, tls_options const& options) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) {
    error_ = "SSL_CTX_new: " + openssl_errors();
    return;
  }
  // Old protocol versions are only offered when a test asks for them; at the default
  // security level OpenSSL 3 would not even try TLS 1.1.
  if (options.min_version < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx_, 0);
  SSL_CTX_set_min_proto_version(ctx_, options.min_version);
  SSL_CTX_set_max_proto_version(ctx_, options.max_version);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(ctx_, options.ciphers.c_str()) != 1) {
    error_ = "cipher list: " + openssl_errors();
    return;
  }
  if (!options.trusted_ca_pem.empty()) {
    if (SSL_CTX_load_verify_locations(ctx_, options.trusted_ca_pem.c_str(), nullptr) != 1) {
      error_ = "trusted CA: " + openssl_errors();
      return;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  }
  if (!options.cert_pem.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx_, options.cert_pem.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx_, options.key_pem.c_str(), SSL_FILETYPE_PEM) != 1)) {
    error_ = "client certificate: " + openssl_errors();
    return;
  }
  fd_ = connect_tcp(port);
  if (fd_ < 0) {
    error_ = "connect failed";
    return;
  }
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd_);
  if (!options.trusted_ca_pem.empty()) SSL_set1_host(ssl, "localhost");
  if (SSL_connect(ssl) != 1) {
    error_ = "handshake failed: " + openssl_errors();
    if (long const v = SSL_get_verify_result(ssl); v != X509_V_OK) {
      error_ += std::string("verify: ") + X509_verify_cert_error_string(v);
    }
    SSL_free(ssl);
    return;
  }
  // With TLS 1.3 a refused client certificate only shows on the first read; a
  // zero-byte peek is not possible, so the tests send a request to find out.
  ssl_ = ssl;
}

tls_client::~tls_client() {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  if (fd_ >= 0) ::close(fd_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

std::string tls_client::peer_fingerprint() const {
  if (ssl_ == nullptr) return {};
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return {};
  std::string out = fingerprint(cert);
  X509_free(cert);
  return out;
}

bool tls_client::send(std::string_view bytes) {
  if (ssl_ == nullptr) return false;
  while (!bytes.empty()) {
    int const n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
    if (n <= 0) {
      error_ = "SSL_write: " + openssl_errors();
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool tls_client::fill() {
  char buf[16384];
  int const n = SSL_read(ssl_, buf, sizeof buf);
  if (n <= 0) {
    error_ = "SSL_read: " + openssl_errors();
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

http_response tls_client::read_response() {
  http_response r;
  if (ssl_ == nullptr) return r;
  std::size_t end = 0;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return r;
  }
  std::string const head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string const status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) {
    r.outcome = read_outcome::malformed;
    return r;
  }
  r.version = status_line.substr(0, 8);
  r.status = std::atoi(status_line.substr(9, 3).c_str());
  r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
  while (line_end != std::string::npos) {
    std::size_t const start = line_end + 2;
    line_end = head.find("\r\n", start);
    std::string const line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    auto const colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::size_t value = colon + 1;
    while (value < line.size() && line[value] == ' ') ++value;
    r.headers.emplace_back(line.substr(0, colon), line.substr(value));
  }
  auto const length =
      static_cast<std::size_t>(std::atoll(r.header_or_empty("Content-Length").c_str()));
  while (buffer_.size() < length) {
    if (!fill()) return r;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  r.outcome = read_outcome::response;
  return r;
}

http_response tls_client::bits_post(std::string_view path, std::string_view packet_type,
                                    header_list const& extra, std::string_view body) {
  std::string bytes = bits_post_head(path, packet_type, extra, static_cast<long long>(body.size()));
  bytes += body;
  return request(bytes);
}

}  // namespace bits::test
