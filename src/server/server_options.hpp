// What the HTTP front needs to know: the [server] settings (listeners, threads, limits,
// timeouts, TLS files; src/settings/server.def), the [admin] listener, and what only the
// command line gives.
#pragma once

#include "server/authenticator.hpp"
#include "settings/settings.hpp"

#include <memory>
#include <string>

namespace bits::server {

using settings::listen_endpoint;

struct server_options : settings::server_settings {
  std::string port_file;           ///< written with the bound ports once listening; "" = none
  settings::admin_settings admin;  ///< the admin listener; off while admin.listen is empty
  std::shared_ptr<authenticator> admin_auth;  ///< its authentication; null = none
};

}  // namespace bits::server
