// Base64 through OpenSSL's EVP block functions; the strictness (canonical form only)
// comes from re-encoding the result and comparing, so no base64 table is written here.
#include "auth/base64.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>

namespace bits::auth {
namespace {

unsigned char* bytes(std::string& s) noexcept {
  return reinterpret_cast<unsigned char*>(s.data());
}

unsigned char const* bytes(std::string_view s) noexcept {
  return reinterpret_cast<unsigned char const*>(s.data());
}

}  // namespace

// EVP_DecodeBlock is lenient (skips surrounding whitespace, ignores non-zero padding
// bits) and reports padding bytes as decoded zeros. We strip those zeros ourselves and
// accept the input only if encoding the result gives it back exactly, which rules out
// every non-canonical spelling.
std::optional<std::string> decode_base64_strict(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0 || in.size() > INT_MAX / 2) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int const decoded = EVP_DecodeBlock(bytes(out), bytes(in), static_cast<int>(in.size()));
  if (decoded < 0) return std::nullopt;
  std::size_t const padding = in.ends_with("==") ? 2 : in.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(decoded) - padding);

  std::string again = encode_base64(out);
  bool const canonical = again == in;
  OPENSSL_cleanse(again.data(), again.size());
  if (!canonical) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

std::string encode_base64(std::string_view in) {
  if (in.size() > INT_MAX / 4 * 3 - 3) return {};
  std::string out((in.size() + 2) / 3 * 4 + 1, '\0');  // EVP_EncodeBlock writes a NUL
  int const encoded = EVP_EncodeBlock(bytes(out), bytes(in), static_cast<int>(in.size()));
  out.resize(encoded < 0 ? 0 : static_cast<std::size_t>(encoded));
  return out;
}

}  // namespace bits::auth
