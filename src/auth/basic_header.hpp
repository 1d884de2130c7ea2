// HTTP Basic authentication on the wire (RFC 7617): parsing an Authorization header
// value and building the WWW-Authenticate challenge. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bits::auth {

/// User name and password taken from an `Authorization: Basic ...` header. Both are
/// the raw bytes the client sent (UTF-8 when the client honours charset="UTF-8").
struct basic_credentials {
  std::string user;      ///< 1..max_user_bytes bytes, no ':' and no control characters
  std::string password;  ///< 0..max_password_bytes bytes, no NUL
};

/// Parses an Authorization header value of the form `Basic <token68>`.
///
/// Accepted: optional spaces/tabs around the value; the scheme name in any case
/// ("Basic", "basic", "BASIC"); one or more spaces after it; strict base64 (standard
/// alphabet, '=' padding to a multiple of 4, canonical encoding, nothing after it).
/// The decoded bytes are split at the first ':' into user and password.
///
/// Returns nullopt for: a value longer than max_authorization_bytes; another scheme
/// (Digest, NTLM, Negotiate, Bearer, ...); a missing, malformed or non-canonical
/// token; no ':' in the decoded text; an empty user; a user longer than
/// max_user_bytes or containing a control character; a password longer than
/// max_password_bytes or containing a NUL byte. All of these mean "no usable Basic
/// credentials" and call for a 401 with a challenge. Pure, does not throw except
/// std::bad_alloc.
[[nodiscard]] std::optional<basic_credentials> parse_basic_authorization(
    std::string_view header_value);

/// The WWW-Authenticate value asking for Basic credentials:
/// `Basic realm="<realm>", charset="UTF-8"`. The realm is written as an HTTP
/// quoted-string: '"' and '\' are escaped with '\', and control characters (which a
/// quoted-string cannot carry, and which could split the header) are replaced by '?'.
/// Bytes >= 0x80 are kept, so a UTF-8 realm stays readable. Pure.
[[nodiscard]] std::string challenge(std::string_view realm);

}  // namespace bits::auth
