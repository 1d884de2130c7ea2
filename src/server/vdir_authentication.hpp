// The authentication policy of one virtual directory, made from its settings: Basic
// alone, or Negotiate/NTLM (with Basic when listed too) through windows_authentication,
// and the allow list. Used at start-up and by --check-config.
#pragma once

#include "server/authenticator.hpp"
#include "settings/settings.hpp"

#include <memory>
#include <string>
#include <vector>

namespace bits::server {

/// What make_vdir_authentication made of a directory's settings.
struct vdir_authentication {
  /// The policy; null for an anonymous directory or when `errors` is not empty.
  std::shared_ptr<authenticator> auth;
  std::vector<std::string> errors;    ///< each a configuration error: do not start
  std::vector<std::string> warnings;  ///< what still works but deserves a look
  /// Facts for the start-up log: "Kerberos as HTTP/host", "NTLM".
  std::vector<std::string> notes;

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

/// Reads the htpasswd file, acquires the keytab's and NTLM user file's credentials and
/// parses the allow list of `v` (validated by config::validate). Blocking file I/O.
[[nodiscard]] vdir_authentication make_vdir_authentication(settings::vdir_settings const& v);

}  // namespace bits::server
