// Scheme detection and structural checks for htpasswd hashes, and verification with
// libcrypt. The structural checks exist because crypt_checksalt only looks at the
// prefix: a truncated or hand-edited hash would load fine and then silently never match.
#include "auth/password_hash.hpp"

#include "core/number_text.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace bits::auth {
namespace {

// The alphabet of crypt's base-64 encoding ("./0-9A-Za-z"), used by every scheme here.
bool is_crypt64(char c) noexcept {
  return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

bool all_crypt64(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), is_crypt64);
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [s](std::string_view p) { return s.starts_with(p); });
}

// "$2b$NN$" + 22 characters of salt + 31 of checksum; cost 04..31 as bcrypt defines it.
bool bcrypt_well_formed(std::string_view h) noexcept {
  if (h.size() != 60 || h[6] != '$') return false;
  auto const cost = core::parse_decimal_u64(h.substr(4, 2));
  return cost && *cost >= 4 && *cost <= 31 && all_crypt64(h.substr(7));
}

// "$5$" / "$6$", optional "rounds=N$", a salt of at most 16 characters (crypt truncates
// longer ones, so the stored hash could never be reproduced), "$", then the checksum.
bool sha_crypt_well_formed(std::string_view h, std::size_t checksum_length) noexcept {
  std::string_view rest = h.substr(3);
  if (rest.starts_with("rounds=")) {
    auto const end = rest.find('$');
    if (end == std::string_view::npos) return false;
    std::string_view const digits = rest.substr(7, end - 7);
    if (digits.size() > 9 || !core::parse_decimal_u64(digits)) return false;
    rest.remove_prefix(end + 1);
  }
  auto const dollar = rest.find('$');
  if (dollar == std::string_view::npos || dollar > 16) return false;
  std::string_view const salt = rest.substr(0, dollar);
  if (std::any_of(salt.begin(), salt.end(),
                  [](char c) { return c == ':' || static_cast<unsigned char>(c) <= ' '; }))
    return false;
  std::string_view const checksum = rest.substr(dollar + 1);
  return checksum.size() == checksum_length && all_crypt64(checksum);
}

// "$y$" params "$" salt "$" checksum(43), every field in the crypt alphabet.
bool yescrypt_well_formed(std::string_view h) noexcept {
  std::string_view rest = h.substr(3);
  auto const first = rest.find('$');
  if (first == std::string_view::npos || first == 0) return false;
  std::string_view const params = rest.substr(0, first);
  rest.remove_prefix(first + 1);
  auto const second = rest.find('$');
  if (second == std::string_view::npos || second == 0) return false;
  std::string_view const salt = rest.substr(0, second);
  std::string_view const checksum = rest.substr(second + 1);
  return all_crypt64(params) && all_crypt64(salt) && checksum.size() == 43 && all_crypt64(checksum);
}

}  // namespace

hash_scheme classify_hash(std::string_view hash) noexcept {
  if (hash.empty()) return hash_scheme::empty;
  if (starts_with_any(hash, {"$2y$", "$2b$", "$2a$"})) return hash_scheme::bcrypt;
  if (hash.starts_with("$5$")) return hash_scheme::sha256_crypt;
  if (hash.starts_with("$6$")) return hash_scheme::sha512_crypt;
  if (hash.starts_with("$y$")) return hash_scheme::yescrypt;
  if (hash.starts_with("$apr1$")) return hash_scheme::md5_apr1;
  if (hash.starts_with("$1$")) return hash_scheme::md5_crypt;
  if (hash.starts_with("{SHA}")) return hash_scheme::sha1;
  if (hash.size() == 13 && all_crypt64(hash)) return hash_scheme::des_crypt;
  // "$id$..." with some other id ($2x$, $7$, $gy$, $sha1$, ...) or BSDi "_" + 19 chars.
  if ((hash.size() > 2 && hash[0] == '$' && hash.find('$', 1) != std::string_view::npos) ||
      (hash.size() == 20 && hash[0] == '_' && all_crypt64(hash.substr(1))))
    return hash_scheme::other_crypt;
  return hash_scheme::plain_text;
}

bool is_accepted(hash_scheme scheme) noexcept {
  switch (scheme) {
    case hash_scheme::bcrypt:
    case hash_scheme::sha256_crypt:
    case hash_scheme::sha512_crypt:
    case hash_scheme::yescrypt:
      return true;
    case hash_scheme::md5_apr1:
    case hash_scheme::md5_crypt:
    case hash_scheme::sha1:
    case hash_scheme::des_crypt:
    case hash_scheme::other_crypt:
    case hash_scheme::plain_text:
    case hash_scheme::empty:
      return false;
  }
  return false;
}

std::string_view scheme_name(hash_scheme scheme) noexcept {
  switch (scheme) {
    case hash_scheme::bcrypt:
      return "bcrypt ($2y$/$2b$/$2a$)";
    case hash_scheme::sha256_crypt:
      return "SHA-256-crypt ($5$)";
    case hash_scheme::sha512_crypt:
      return "SHA-512-crypt ($6$)";
    case hash_scheme::yescrypt:
      return "yescrypt ($y$)";
    case hash_scheme::md5_apr1:
      return "MD5-crypt ($apr1$)";
    case hash_scheme::md5_crypt:
      return "MD5-crypt ($1$)";
    case hash_scheme::sha1:
      return "unsalted SHA-1 ({SHA})";
    case hash_scheme::des_crypt:
      return "DES crypt";
    case hash_scheme::other_crypt:
      return "an unsupported crypt method";
    case hash_scheme::plain_text:
      return "a plain-text password";
    case hash_scheme::empty:
      return "an empty password hash";
  }
  return "an unknown scheme";
}

bool is_well_formed(hash_scheme scheme, std::string_view hash) noexcept {
  switch (scheme) {
    case hash_scheme::bcrypt:
      return bcrypt_well_formed(hash);
    case hash_scheme::sha256_crypt:
      return sha_crypt_well_formed(hash, 43);
    case hash_scheme::sha512_crypt:
      return sha_crypt_well_formed(hash, 86);
    case hash_scheme::yescrypt:
      return yescrypt_well_formed(hash);
    case hash_scheme::md5_apr1:
    case hash_scheme::md5_crypt:
    case hash_scheme::sha1:
    case hash_scheme::des_crypt:
    case hash_scheme::other_crypt:
    case hash_scheme::plain_text:
    case hash_scheme::empty:
      return false;
  }
  return false;
}

bool verify_password(std::string_view password, std::string const& hash) {
  // crypt takes a C string: a NUL inside the password would end it early and let
  // "secret\0anything" pass as "secret".
  if (password.find('\0') != std::string_view::npos) return false;
  if (password.size() >= CRYPT_MAX_PASSPHRASE_SIZE) return false;  // the limit counts the NUL
  // crypt_data is 32 KiB: too big for the stack of a pool thread; zeroed as crypt_rn
  // requires before first use.
  auto data = std::make_unique<crypt_data>();
  std::string phrase(password);
  char const* const out =
      crypt_rn(phrase.c_str(), hash.c_str(), data.get(), static_cast<int>(sizeof(crypt_data)));
  // The length of a hash is public (it follows from the scheme); only the bytes are
  // compared in constant time.
  bool const match = out != nullptr && std::strlen(out) == hash.size() &&
                     CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
  OPENSSL_cleanse(phrase.data(), phrase.size());
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return match;
}

}  // namespace bits::auth
