// HTTP Negotiate (RFC 4559) and NTLM authentication on the wire: parsing an
// Authorization header value into a scheme and a token, and building the
// WWW-Authenticate values. Pure functions, no GSSAPI.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bits::auth {

/// The scheme a token arrived under. It decides which mechanisms may answer it:
/// `Negotiate` takes SPNEGO (Kerberos or NTLM inside) and the raw Kerberos or NTLMSSP
/// tokens Windows also sends under that name; `NTLM` takes raw NTLMSSP only.
enum class negotiate_scheme {
  negotiate,  ///< `Authorization: Negotiate <token>`
  ntlm,       ///< `Authorization: NTLM <token>`
};

/// Longest Authorization value parse_negotiate_authorization accepts, in bytes. Kerberos
/// tickets carry the user's groups (the PAC), so a user in many groups sends far more
/// than the 4096 bytes of a BITS header: Windows allows tokens up to 48000 bytes
/// (MaxTokenSize), 64 KiB of base64. The server's header limit must allow it too.
inline constexpr std::size_t max_negotiate_authorization_bytes = 65536;

/// A scheme and its decoded token, as the client sent them.
struct negotiate_credentials {
  negotiate_scheme scheme = negotiate_scheme::negotiate;
  std::string token;  ///< the decoded bytes (never empty)
};

/// Parses `Negotiate <token68>` or `NTLM <token68>`: the scheme name in any case,
/// optional spaces/tabs around the value, one or more spaces after the scheme, strict
/// base64 (see decode_base64_strict) with nothing after it.
///
/// Returns nullopt for: a value longer than max_negotiate_authorization_bytes; another
/// scheme (Basic, Digest, Bearer, ...); a missing, empty or malformed token. A bare
/// `Negotiate` without a token is nullopt too: it is not a credential. Pure.
[[nodiscard]] std::optional<negotiate_credentials> parse_negotiate_authorization(
    std::string_view header_value);

/// "Negotiate" or "NTLM".
[[nodiscard]] std::string_view scheme_name(negotiate_scheme scheme) noexcept;

/// A WWW-Authenticate value: the bare scheme name ("Negotiate", a challenge asking for
/// credentials) or, with `token_base64` (an output token of negotiate_context::step),
/// "Negotiate <token>", "NTLM <token>". Pure.
[[nodiscard]] std::string negotiate_challenge(negotiate_scheme scheme,
                                              std::string_view token_base64 = {});

}  // namespace bits::auth
