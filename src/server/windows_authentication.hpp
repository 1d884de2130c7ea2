// Windows integrated authentication of a virtual directory: HTTP Negotiate (Kerberos,
// NTLM inside SPNEGO) and NTLM through auth::negotiate_acceptor, optionally offered
// together with Basic, and the directory's `allow` list. The handshake's security
// context lives on the connection (NTLM authenticates connections, not requests).
#pragma once

#include "auth/negotiate_acceptor.hpp"
#include "auth/principal.hpp"
#include "server/authenticator.hpp"
#include "server/basic_authentication.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bits::server {

/// What a directory offers and who it lets in.
struct windows_auth_options {
  /// The acceptor for Negotiate and NTLM; null when the directory offers Basic only.
  std::shared_ptr<auth::negotiate_acceptor const> acceptor;
  bool negotiate = false;  ///< offer `WWW-Authenticate: Negotiate`
  bool ntlm = false;       ///< offer `WWW-Authenticate: NTLM`
  /// Basic, offered too when set (its challenge comes where `basic_first` says).
  std::shared_ptr<basic_authentication> basic;
  bool basic_first = false;  ///< the Basic challenge before the Windows ones
  /// Who may use the directory once authenticated; nullopt = everyone who authenticates.
  std::optional<auth::principal_allow_list> allow;
  auth::principal_format format = auth::principal_format::full;
};

class windows_authentication final : public authenticator {
 public:
  explicit windows_authentication(windows_auth_options options);

  /// Negotiate/NTLM: one step of the connection's context on req.workers (it reads the
  /// keytab, the replay cache, the NTLM user file). A continuation is a 401 with the
  /// scheme's token; completion lets the request through as the principal, with the
  /// mutual-authentication token for its response; later requests of the connection
  /// without Authorization keep that principal. A failure is a 401 with the bare
  /// challenges and a log line saying why. Basic goes to the Basic policy. An
  /// authenticated principal outside the allow list gets 403.
  [[nodiscard]] boost::asio::awaitable<auth_decision> authenticate(auth_request req) override;

  /// Reloads Basic's htpasswd file; gss-ntlmssp reads the NTLM user file and MIT the
  /// keytab on every logon, so edits of those apply without a reload.
  void reload(std::string_view vdir) override;

  /// Room for a 64 KiB Authorization header besides the server's limit.
  [[nodiscard]] std::size_t max_header_bytes() const noexcept override;

 private:
  /// A 401 with every challenge; `cause` goes to the request log.
  [[nodiscard]] auth_decision challenge(std::string cause = {}) const;
  [[nodiscard]] bool allowed(std::string const& name) const;

  windows_auth_options options_;
  std::vector<std::string> challenges_;  ///< WWW-Authenticate values of a 401, in order
};

}  // namespace bits::server
