// The client's side of Negotiate and NTLM for tests, with GSSAPI itself: Kerberos from
// a ticket cache of the test realm, NTLM through gss-ntlmssp from a user file, each
// inside SPNEGO (what `Authorization: Negotiate` carries) or raw.
#pragma once

#include <optional>
#include <string>
#include <string_view>

struct gss_ctx_id_struct;
struct gss_cred_id_struct;
struct gss_name_struct;

namespace bits::test {

struct initiator_options {
  std::string ccache;                     ///< Kerberos: path of the client's ticket cache
  std::string ntlm_user;                  ///< NTLM: the user, e.g. "TESTDOM\\bob"
  std::string ntlm_file;                  ///< NTLM: the client's DOMAIN:user:password file
  std::string target = "HTTP@localhost";  ///< host-based name of the server
  bool spnego = true;                     ///< false: raw mechanism tokens
};

/// One client handshake. Move-less; not thread-safe.
class gss_initiator {
 public:
  explicit gss_initiator(initiator_options options);
  ~gss_initiator();
  gss_initiator(gss_initiator const&) = delete;
  gss_initiator& operator=(gss_initiator const&) = delete;

  /// The next token for the server (decoded bytes), given the server's last token
  /// (empty at first). nullopt on failure, with the reason in error(). After the
  /// server's final (mutual-authentication) token this returns an empty string and
  /// complete() becomes true.
  [[nodiscard]] std::optional<std::string> step(std::string_view server_token);

  /// GSSAPI reported the context complete on the client's side.
  [[nodiscard]] bool complete() const noexcept { return complete_; }

  [[nodiscard]] std::string const& error() const noexcept { return error_; }

 private:
  initiator_options options_;
  gss_cred_id_struct* cred_ = nullptr;
  gss_name_struct* target_ = nullptr;
  gss_ctx_id_struct* context_ = nullptr;
  bool complete_ = false;
  std::string error_;
};

}  // namespace bits::test
