// HTTP Basic authentication of a virtual directory against an htpasswd file: the
// authenticator policy over auth::basic_authenticator.
#pragma once

#include "auth/basic_authenticator.hpp"
#include "auth/htpasswd.hpp"
#include "server/authenticator.hpp"

#include <string>

namespace bits::server {

class basic_authentication final : public authenticator {
 public:
  /// Users from `users` (reloaded from users.source()); 401s carry a Basic challenge for
  /// `realm`.
  basic_authentication(auth::htpasswd users, std::string const& realm);

  /// Cached credentials are checked inline; others run one password hash on req.workers
  /// (bcrypt and SHA-crypt cost milliseconds by design). Missing, malformed or wrong
  /// credentials get the 401; wrong ones are logged with the (printable) user name.
  [[nodiscard]] boost::asio::awaitable<auth_decision> authenticate(auth_request req) override;

  /// Reloads the htpasswd file; on problems the old users stay.
  void reload(std::string_view vdir) override;

  /// The WWW-Authenticate value of its 401s.
  [[nodiscard]] std::string const& challenge() const noexcept { return challenge_; }

  /// The verifier, for tests.
  [[nodiscard]] auth::basic_authenticator& verifier_for_test() noexcept { return verifier_; }

 private:
  auth::basic_authenticator verifier_;
  std::string challenge_;  ///< the WWW-Authenticate value
};

}  // namespace bits::server
