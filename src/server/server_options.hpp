// What the HTTP front needs to know: listeners, threads, limits and timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bits::server {

struct listen_endpoint {
  std::string host;        ///< address literal or name; "" = all addresses
  std::uint16_t port = 0;  ///< 0 = pick a free port
  bool tls = false;        ///< TLS listener (tls:// in the configuration)
};

/// PEM files of the TLS listeners; reloaded on SIGHUP.
struct tls_files {
  std::string cert;       ///< certificate chain
  std::string key;        ///< private key
  std::string client_ca;  ///< when set, clients must present a certificate signed by it
  /// Oldest protocol accepted: "1.0", "1.1", "1.2" or "1.3". Below 1.2 the legacy CBC
  /// suites and OpenSSL security level 0 are enabled for old Windows clients.
  std::string min_version = "1.2";
};

struct server_options {
  std::vector<listen_endpoint> listen;
  unsigned io_threads = 0;     ///< 0 = one per core; each runs its own event loop
  unsigned disk_threads = 16;  ///< run blocking storage calls (creates, commits, syncs)
  std::size_t max_header_bytes = 16384;
  std::size_t max_header_count = 100;
  std::size_t max_url_bytes = 4096;
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_address = 0;  ///< 0 = no per-address limit
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds header_timeout{30};
  std::chrono::seconds read_timeout{60};
  std::chrono::seconds write_timeout{60};
  std::chrono::seconds shutdown_grace{30};
  std::chrono::seconds session_wait{10};
  tls_files tls;
  std::string port_file;  ///< written with the bound ports once listening; "" = none
};

}  // namespace bits::server
