// What the HTTP front needs to know: the [server] settings (listeners, threads, limits,
// timeouts, TLS files; src/settings/server.def) and what only the command line gives.
#pragma once

#include "settings/settings.hpp"

#include <string>

namespace bits::server {

using settings::listen_endpoint;

struct server_options : settings::server_settings {
  std::string port_file;  ///< written with the bound ports once listening; "" = none
};

}  // namespace bits::server
