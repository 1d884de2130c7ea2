// What can go wrong accepting Windows integrated authentication (GSSAPI: Kerberos
// through SPNEGO, NTLM), as a small enum for decisions plus GSSAPI's own words.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <type_traits>

namespace bits::auth {

/// The kinds of failure a caller decides on.
enum class negotiate_errc {
  /// The acceptor's own credentials cannot be used: keytab missing or unreadable, no
  /// key for the service principal, NTLM user file unreadable. A start-up error.
  credentials_unavailable = 1,
  /// Options that cannot work: no mechanism configured, a malformed service principal.
  invalid_options,
  /// The token is not a token of any mechanism we accept under this scheme, or is
  /// damaged (GSS_S_DEFECTIVE_TOKEN, GSS_S_BAD_MECH): garbage, truncation, a raw
  /// Kerberos token under `NTLM`, an NTLM token when NTLM is off.
  bad_token,
  /// The mechanism refused the client: bad, expired or not-yet-valid ticket, ticket for
  /// another service principal or an old key version, clock skew, a replayed
  /// authenticator, a wrong NTLM password or unknown NTLM user.
  rejected,
  /// step() on a context that already completed or failed; start a new context.
  context_finished,
};

/// The category of negotiate_errc; name "bits.negotiate".
[[nodiscard]] boost::system::error_category const& negotiate_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(negotiate_errc e) noexcept {
  return {static_cast<int>(e), negotiate_category()};
}

/// One failed GSSAPI call (or check of ours): the kind, GSSAPI's status codes, and a
/// message for the log that says why, e.g.
///   "gss_accept_sec_context: Unspecified GSS failure. Minor code may provide more
///    information (Clock skew too great) [Kerberos]".
/// Never holds a token or a password.
struct negotiate_failure {
  negotiate_errc kind = negotiate_errc::rejected;
  std::uint32_t major = 0;  ///< GSS major status; 0 for failures found by our own checks
  std::uint32_t minor = 0;  ///< mechanism status (a krb5 error code, an errno for NTLM)
  std::string message;

  [[nodiscard]] boost::system::error_code ec() const noexcept { return make_error_code(kind); }
  /// "rejected: <message>".
  [[nodiscard]] std::string describe() const;
};

/// Name of the kind ("rejected", "bad_token", ...).
[[nodiscard]] char const* to_string(negotiate_errc e) noexcept;

/// Value or failure.
template <class T>
using negotiate_result = boost::system::result<T, negotiate_failure>;

/// For boost::system::result<T, negotiate_failure>::value() (tests only).
[[noreturn]] void throw_exception_from_error(negotiate_failure const& f,
                                             boost::source_location const& loc);

}  // namespace bits::auth

template <>
struct boost::system::is_error_code_enum<bits::auth::negotiate_errc> : std::true_type {};
