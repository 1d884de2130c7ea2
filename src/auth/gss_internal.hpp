// Internal to the Negotiate acceptor (negotiate_acceptor.cpp, negotiate_context.cpp):
// the GSSAPI credential handles an acceptor shares with its contexts, mechanism OIDs,
// and GSSAPI status text. The only header of ours that includes GSSAPI.
#pragma once

#include <gssapi/gssapi.h>

#include <string>
#include <string_view>

namespace bits::auth::detail {

/// Kerberos 5, 1.2.840.113554.1.2.2.
[[nodiscard]] gss_OID krb5_oid() noexcept;
/// SPNEGO, 1.3.6.1.5.5.2.
[[nodiscard]] gss_OID spnego_oid() noexcept;
/// NTLMSSP as gss-ntlmssp registers it, 1.3.6.1.4.1.311.2.2.10.
[[nodiscard]] gss_OID ntlm_oid() noexcept;

/// True when both name the same OID (either may be null).
[[nodiscard]] bool same_oid(gss_const_OID a, gss_const_OID b) noexcept;

/// "call: <major status text> (<minor status text>)", from gss_display_status; the
/// minor code is read through the mechanism glue's map, so it names the mechanism's
/// own error (a Kerberos error, an errno of gss-ntlmssp).
[[nodiscard]] std::string status_message(std::string_view call, OM_uint32 major, OM_uint32 minor);

/// The acquired credentials of one acceptor, shared (read-only) by its contexts, which
/// may step on several threads at once: MIT's mechanism glue, krb5 and SPNEGO
/// credentials lock internally, gss-ntlmssp's server credential is never written.
struct gss_credentials {
  gss_cred_id_t negotiate = GSS_C_NO_CREDENTIAL;  ///< SPNEGO + configured mechanisms
  gss_cred_id_t ntlm = GSS_C_NO_CREDENTIAL;       ///< NTLM only, for `Authorization: NTLM`
  std::string service_principal;  ///< as configured (or defaulted): HTTP/host[@REALM]
  std::string required_realm;     ///< from service_principal's @REALM; empty = any

  gss_credentials() = default;
  gss_credentials(gss_credentials const&) = delete;
  gss_credentials& operator=(gss_credentials const&) = delete;
  ~gss_credentials();
};

}  // namespace bits::auth::detail
