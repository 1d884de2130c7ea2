// Webhook signatures with OpenSSL's HMAC.
#include "hooks/signature.hpp"

#include "core/number_text.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace bits::hooks {

std::string sign_webhook(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  std::string message = std::to_string(timestamp);
  message += '.';
  message += body;
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<unsigned char const*>(message.data()), message.size(), mac.data(), &len);
  return "sha256=" + core::format_hex_bytes(std::span{mac.data(), len}, core::hex_case::lower);
}

bool verify_webhook(std::string_view secret, std::int64_t timestamp, std::string_view body,
                    std::string_view signature) {
  std::string const expected = sign_webhook(secret, timestamp, body);
  return signature.size() == expected.size() &&
         CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) == 0;
}

}  // namespace bits::hooks
