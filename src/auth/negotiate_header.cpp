// Negotiate and NTLM Authorization values (RFC 4559 section 4; RFC 7235 token68).
#include "auth/negotiate_header.hpp"

#include "auth/base64.hpp"

#include <algorithm>

namespace bits::auth {
namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  auto const lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<negotiate_credentials> parse_negotiate_authorization(std::string_view value) {
  if (value.size() > max_negotiate_authorization_bytes) return std::nullopt;
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
  auto const space = value.find_first_of(" \t");
  if (space == std::string_view::npos) return std::nullopt;  // no token
  std::string_view const name = value.substr(0, space);
  negotiate_credentials out;
  if (iequals_ascii(name, "negotiate")) {
    out.scheme = negotiate_scheme::negotiate;
  } else if (iequals_ascii(name, "ntlm")) {
    out.scheme = negotiate_scheme::ntlm;
  } else {
    return std::nullopt;
  }
  value.remove_prefix(space);
  // RFC 7235: credentials = auth-scheme 1*SP token68.
  if (value.front() != ' ') return std::nullopt;
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  auto decoded = decode_base64_strict(value);
  if (!decoded || decoded->empty()) return std::nullopt;
  out.token = std::move(*decoded);
  return out;
}

std::string_view scheme_name(negotiate_scheme scheme) noexcept {
  return scheme == negotiate_scheme::ntlm ? "NTLM" : "Negotiate";
}

std::string negotiate_challenge(negotiate_scheme scheme, std::string_view token_base64) {
  std::string out(scheme_name(scheme));
  if (!token_base64.empty()) {
    out += ' ';
    out += token_base64;
  }
  return out;
}

}  // namespace bits::auth
