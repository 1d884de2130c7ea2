// openbitsd's configuration as plain structs. Defaults live here, in the member
// initialisers; the TOML reference is docs/openbitsd.example.toml.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bits::config {

/// One [[vdir]]: a URL prefix served from a directory, with the IIS BITS settings.
struct vdir_config {
  std::string url = "/";  ///< URL prefix; normalised to start and end with '/'
  std::string root;       ///< directory on disk (required)
  std::string spool_dir;  ///< open sessions; default <root>/.bits-spool; same filesystem
  bool upload_enabled = true;
  bool downloads_enabled = true;
  std::uint64_t max_upload_size = 0;               ///< bytes per upload; 0 = unlimited
  std::uint64_t max_fragment_size = 16777216;      ///< bytes per Fragment body (>= 5 KiB)
  bool allow_overwrites = false;                   ///< an upload may replace a file
  std::uint64_t session_timeout = 1209600;         ///< s of inactivity before expiry (14 d)
  std::uint64_t cleanup_interval = 43200;          ///< s between expiry sweeps (12 h)
  std::string host_id;                             ///< BITS-Host-Id on Create-Session Acks
  std::uint64_t host_id_fallback_timeout = 86400;  ///< s, sent with host_id
  std::string notification_type = "none";          ///< upload-reply: "none", "reference", "value"
  std::string notification_url;                    ///< absolute, or relative to the upload URL
  std::uint64_t notification_timeout = 240;
  std::uint64_t max_sessions = 10000;          ///< open sessions in this vdir (503 above)
  std::uint64_t max_sessions_per_user = 50;    ///< per authenticated principal
  std::uint64_t max_sessions_per_address = 0;  ///< per address, anonymous clients; 0 = none
  std::uint64_t evict_idle_after = 900;     ///< s idle before a session may be evicted at a limit
  std::uint64_t max_spool_bytes = 0;        ///< declared bytes of open sessions; 0 = unlimited
  std::uint64_t min_free_disk = 268435456;  ///< bytes kept free on the spool's filesystem
  std::string auth = "none";                ///< "none" or "basic"
  std::string htpasswd;                     ///< Apache htpasswd file (bcrypt, sha-crypt, yescrypt)
  std::string realm = "OpenBITS";           ///< realm of the Basic challenge
  bool allow_basic_over_http = false;  ///< accept Basic credentials on plain listeners  ///< s;
                                       ///< below the client's 5-minute timer

  bool create_dirs = false;       ///< missing folders on a destination are created at commit
  std::string dir_mode = "0750";  ///< octal permission bits of created folders

  friend bool operator==(vdir_config const&, vdir_config const&) = default;
};

/// [server]: listeners, threads, HTTP limits and timeouts, durability, logging.
struct server_config {
  std::vector<std::string> listen = {"0.0.0.0:8080"};  ///< "host:port", "[v6]:port"
  unsigned io_threads = 0;                             ///< 0 = one per core
  unsigned disk_threads = 16;                          ///< threads for blocking disk work
  std::string log_level = "info";                      ///< trace, debug, info, warn, error, off
  std::uint64_t max_header_bytes = 16384;              ///< request line + all header fields
  std::uint64_t max_header_count = 100;                ///< header fields per request
  std::uint64_t idle_timeout = 120;                    ///< s a kept-alive connection may sit unused
  std::uint64_t header_timeout = 30;                   ///< s to receive a whole request head
  std::uint64_t read_timeout = 60;                     ///< s without a byte while reading a body
  std::uint64_t write_timeout = 60;                    ///< s to write a response
  std::uint64_t shutdown_grace = 30;                   ///< s in-flight requests get on SIGTERM
  std::uint64_t sync_interval = 5;     ///< s between data syncs of open sessions; 0 = every Ack
  std::uint64_t tombstone_ttl = 3600;  ///< s a closed/cancelled id answers replays with 200
  std::uint64_t session_wait = 10;
  std::uint64_t max_connections = 4096;           ///< open connections, all listeners
  std::uint64_t max_connections_per_address = 0;  ///< open connections from one address; 0 = none
  std::uint64_t max_url_bytes = 4096;             ///< request target length (414 above)
  std::string tls_cert;                           ///< PEM certificate chain for tls:// listeners
  std::string tls_key;                            ///< PEM private key
  std::string tls_min_version = "1.2";            ///< "1.0", "1.1", "1.2" or "1.3"
  std::string tls_client_ca;  ///< PEM CAs; when set, TLS clients must present a certificate ///< s
                              ///< a packet waits for a busy session before 503

  friend bool operator==(server_config const&, server_config const&) = default;
};

struct daemon_config {
  server_config server;
  std::vector<vdir_config> vdirs;

  friend bool operator==(daemon_config const&, daemon_config const&) = default;
};

}  // namespace bits::config
