// openbitsd's whole configuration: the [server] settings, one set per [[vdir]]
// and the [admin] listener. The
// settings themselves, with their defaults, are declared in src/settings/*.def.
#pragma once

#include "settings/settings.hpp"

#include <vector>

namespace bits::config {

using server_config = settings::server_settings;
using vdir_config = settings::vdir_settings;
using admin_config = settings::admin_settings;

struct daemon_config {
  server_config server;
  std::vector<vdir_config> vdirs;
  admin_config admin;

  friend bool operator==(daemon_config const&, daemon_config const&) = default;
};

}  // namespace bits::config
