// openbitsd's whole configuration: the [server] settings and one set per [[vdir]]. The
// settings themselves, with their defaults, are declared in src/settings/*.def.
#pragma once

#include "settings/settings.hpp"

#include <vector>

namespace bits::config {

using server_config = settings::server_settings;
using vdir_config = settings::vdir_settings;

struct daemon_config {
  server_config server;
  std::vector<vdir_config> vdirs;

  friend bool operator==(daemon_config const&, daemon_config const&) = default;
};

}  // namespace bits::config
