// Basic credentials (RFC 7617) and the challenge.
#include "auth/basic_header.hpp"

#include "auth/base64.hpp"
#include "auth/limits.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace bits::auth {
namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto const lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

bool is_control(char c) noexcept {
  auto const u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// user:password, split at the first ':' (RFC 7617 section 2: a user-id cannot contain
// a colon, a password can).
std::optional<basic_credentials> split_credentials(std::string_view text) {
  auto const colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view const user = text.substr(0, colon);
  std::string_view const password = text.substr(colon + 1);
  if (user.size() > max_user_bytes || std::any_of(user.begin(), user.end(), is_control))
    return std::nullopt;
  // A NUL would end the C string that crypt sees; refusing it here keeps the contract
  // of basic_credentials simple for every caller.
  if (password.size() > max_password_bytes || password.find('\0') != std::string_view::npos)
    return std::nullopt;
  return basic_credentials{std::string(user), std::string(password)};
}

}  // namespace

std::optional<basic_credentials> parse_basic_authorization(std::string_view header_value) {
  if (header_value.size() > max_authorization_bytes) return std::nullopt;
  std::string_view value = trim(header_value);
  auto const space = value.find_first_of(" \t");
  if (space == std::string_view::npos || !iequals_ascii(value.substr(0, space), "basic"))
    return std::nullopt;
  value.remove_prefix(space);
  // RFC 7235: credentials = auth-scheme 1*SP token68.
  if (value.front() != ' ') return std::nullopt;
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);

  auto decoded = decode_base64_strict(value);
  if (!decoded) return std::nullopt;
  auto credentials = split_credentials(*decoded);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return credentials;
}

std::string challenge(std::string_view realm) {
  std::string out = "Basic realm=\"";
  for (char const c : realm) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += is_control(c) ? '?' : c;
    }
  }
  out += "\", charset=\"UTF-8\"";
  return out;
}

}  // namespace bits::auth
