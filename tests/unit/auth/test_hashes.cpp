// Hash and header builders for the auth tests (see test_hashes.hpp).
#include "test_hashes.hpp"

#include <crypt.h>
#include <openssl/evp.h>

#include <memory>

namespace bits::auth::test {
namespace {

std::string crypt_with(std::string_view password, char const* setting) {
  auto data = std::make_unique<crypt_data>();
  std::string const phrase(password);
  char const* out =
      crypt_rn(phrase.c_str(), setting, data.get(), static_cast<int>(sizeof(crypt_data)));
  return out != nullptr ? std::string(out) : std::string();
}

}  // namespace

std::string make_hash(std::string_view prefix, std::string_view password, unsigned long count) {
  if (count == 0 && prefix.starts_with("$2")) count = 4;
  std::string const p(prefix);
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(p.c_str(), count, nullptr, 0, setting, sizeof setting) == nullptr) return {};
  return crypt_with(password, setting);
}

std::string make_des_hash(std::string_view password) {
  return crypt_with(password, "ab");
}

std::string basic_header(std::string_view text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<unsigned char const*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return "Basic " + out;
}

}  // namespace bits::auth::test
