// What the request path reads of the configuration, as one immutable snapshot that a
// reload (SIGHUP) replaces as a whole: the [server] settings, the virtual directories
// with their authentication, the trusted proxies.
#pragma once

#include "core/published.hpp"
#include "server/forwarded.hpp"
#include "server/route_table.hpp"
#include "server/server_options.hpp"

#include <algorithm>
#include <cstddef>

namespace bits::server {

struct live_config {
  live_config(server_options o, route_table r)
      : options(std::move(o)), routes(std::move(r)), proxies(options.trusted_proxies) {
    header_limit = options.max_header_bytes;
    for (auto const& route : routes.routes()) {
      if (route.auth) header_limit = std::max(header_limit, route.auth->max_header_bytes());
    }
  }

  server_options options;  ///< limits and timeouts of the upload listeners
  route_table routes;      ///< the directories served
  trusted_proxies proxies;
  /// Bytes of a request head before its directory is known: the largest limit of any
  /// directory (Negotiate tokens), then held to its own directory's after resolving.
  std::size_t header_limit = 0;
};

/// Each connection reads the current snapshot once per request (one atomic load) and
/// serves the request with it; see core::published.
using live_config_cell = core::published<live_config>;

}  // namespace bits::server
