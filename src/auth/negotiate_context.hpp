// One Negotiate or NTLM security context: the server's side of the handshake on one
// TCP connection.
#pragma once

#include "auth/negotiate_error.hpp"
#include "auth/negotiate_header.hpp"
#include "auth/principal.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct gss_ctx_id_struct;  // GSSAPI's context type (gss_ctx_id_t points to it)

namespace bits::auth {

namespace detail {
struct gss_credentials;
}

/// Where a context stands.
enum class negotiate_state {
  fresh,            ///< no token yet
  continue_needed,  ///< the client must send another token (NTLM's second leg)
  complete,         ///< authenticated: identity() holds who
  failed,           ///< a step failed; the context cannot be used again
};

/// What one successful step produced.
struct negotiate_step {
  /// True: authenticated (the context is complete). False: answer 401 with
  /// `WWW-Authenticate: <scheme> <reply_token>` and wait for the client's next token
  /// on the same connection.
  bool complete = false;
  /// Base64 token for `WWW-Authenticate: <scheme> <token>`; empty when there is none.
  /// On completion this is the mutual-authentication token (Kerberos AP-REP, or
  /// SPNEGO's accept-completed with its mechListMIC), which goes on the success
  /// response: Windows checks it.
  std::string reply_token;
};

/// The server's side of one handshake. NTLM authenticates a connection, not a request:
/// its two legs must reach the same context, so a server keeps one context per TCP
/// connection and never hands it to another connection. Kerberos completes in one step.
///
/// Made by negotiate_acceptor::begin. Move-only; not thread-safe (one connection uses it
/// at a time); may outlive its acceptor (it shares the credentials).
class negotiate_context {
 public:
  negotiate_context(negotiate_context&& other) noexcept;
  negotiate_context& operator=(negotiate_context&& other) noexcept;
  negotiate_context(negotiate_context const&) = delete;
  negotiate_context& operator=(negotiate_context const&) = delete;
  ~negotiate_context();

  /// Feeds one decoded token (negotiate_credentials::token) to GSSAPI.
  ///
  /// Returns the reply token and whether the context completed. Any failure ends the
  /// context (state() becomes failed) and comes back as a negotiate_failure whose
  /// message carries GSSAPI's major and minor status text (bad_token or rejected);
  /// step() on a complete or failed context returns context_finished: a client that
  /// authenticates again on the same connection needs a new context.
  ///
  /// Blocking: reads the keytab (Kerberos), the replay cache file when one is
  /// configured, and the NTLM user file (NTLM); run it on a worker thread, not on an
  /// event loop. Never throws (except std::bad_alloc).
  [[nodiscard]] negotiate_result<negotiate_step> step(std::string_view token);

  [[nodiscard]] negotiate_state state() const noexcept { return state_; }

  /// The scheme this context was begun for.
  [[nodiscard]] negotiate_scheme scheme() const noexcept { return scheme_; }

  /// Who authenticated; null until state() is complete.
  [[nodiscard]] negotiate_identity const* identity() const noexcept {
    return identity_ ? &*identity_ : nullptr;
  }

 private:
  friend class negotiate_acceptor;
  negotiate_context(std::shared_ptr<detail::gss_credentials const> credentials,
                    negotiate_scheme scheme) noexcept;

  [[nodiscard]] negotiate_failure fail(negotiate_failure failure);
  void release() noexcept;

  std::shared_ptr<detail::gss_credentials const> credentials_;
  gss_ctx_id_struct* context_ = nullptr;
  negotiate_scheme scheme_ = negotiate_scheme::negotiate;
  negotiate_state state_ = negotiate_state::fresh;
  std::optional<negotiate_mechanism> mechanism_;  ///< once known
  std::optional<negotiate_identity> identity_;
};

}  // namespace bits::auth
