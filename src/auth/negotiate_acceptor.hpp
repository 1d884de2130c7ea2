// The server's Kerberos (SPNEGO) and NTLM credentials for one virtual directory, and
// the security contexts they accept clients with. GSSAPI from MIT Kerberos, NTLM
// through Debian's gss-ntlmssp mechanism.
#pragma once

#include "auth/negotiate_context.hpp"
#include "auth/negotiate_error.hpp"
#include "auth/negotiate_header.hpp"

#include <memory>
#include <string>
#include <vector>

namespace bits::auth {

/// Settings of one acceptor. At least one of keytab and ntlm_users must be set.
struct negotiate_options {
  /// Path of the keytab holding the service principal's keys; empty = no Kerberos.
  /// Read with the credential itself (gss_acquire_cred_from), never through
  /// KRB5_KTNAME, so two virtual directories can use two keytabs.
  std::string keytab;
  /// The name clients ask tickets for: `HTTP/host` (any realm the keytab has keys
  /// of), `HTTP/host@REALM` (that realm only), or `HTTP/*` (any host name the keytab
  /// has keys of, for a server reached under several names). Empty means
  /// `HTTP/<this machine's host name>` (gethostname, not canonicalised).
  std::string service_principal;
  /// Path of the NTLM user file (see ntlm_users.hpp: smbpasswd lines with NT hashes, or
  /// `DOMAIN:user:password` lines); empty = no NTLM. gss-ntlmssp reads it on every NTLM
  /// logon, so edits apply at once. Passed with the credential (the `ntlmssp_keyfile` cred-store
  /// key), not through NTLM_USER_FILE: each acceptor has its own file.
  std::string ntlm_users;
  /// Path of a private Kerberos replay cache file (MIT's file2 format, created on first
  /// use; its folder must exist and be writable); empty = no replay cache. A replay
  /// cache refuses an authenticator seen before, which matters when tokens can be
  /// captured (plain HTTP); it costs one small locked file update per Kerberos logon.
  /// Passed with the credential (the `rcache` cred-store key): KRB5RCACHETYPE and
  /// /var/tmp are never used.
  std::string replay_cache;
};

/// The acquired credentials of one virtual directory. Immutable once made; begin() may
/// be called from any thread.
class negotiate_acceptor {
 public:
  /// Checks the options and acquires the credentials: opens the keytab and checks it
  /// has keys for the service principal, checks the NTLM user file can be read and
  /// holds accounts. Blocking file I/O; for start-up and reloads (`--check-config`).
  /// Errors: invalid_options, credentials_unavailable, each with a message naming the
  /// file or principal and GSSAPI's status text.
  [[nodiscard]] static negotiate_result<std::shared_ptr<negotiate_acceptor const>> create(
      negotiate_options const& options);

  negotiate_acceptor(negotiate_acceptor const&) = delete;
  negotiate_acceptor& operator=(negotiate_acceptor const&) = delete;
  ~negotiate_acceptor();

  /// A new context for one connection's handshake under `scheme`. `Negotiate` accepts
  /// SPNEGO with the configured mechanisms inside, and raw Kerberos or NTLMSSP tokens;
  /// `NTLM` accepts raw NTLMSSP only (and fails every token when NTLM is off).
  [[nodiscard]] negotiate_context begin(negotiate_scheme scheme) const;

  [[nodiscard]] bool kerberos_enabled() const noexcept { return kerberos_; }
  [[nodiscard]] bool ntlm_enabled() const noexcept { return ntlm_; }

  /// The service principal in use (the configured one, or the default).
  [[nodiscard]] std::string const& service_principal() const noexcept;

  /// What start-up should log about the options that still work (check_ntlm_users's
  /// warnings: plain-text NTLM passwords, skipped lines).
  [[nodiscard]] std::vector<std::string> const& warnings() const noexcept { return warnings_; }

 private:
  negotiate_acceptor() = default;

  std::shared_ptr<detail::gss_credentials const> credentials_;
  std::vector<std::string> warnings_;
  bool kerberos_ = false;
  bool ntlm_ = false;
};

}  // namespace bits::auth
