// The settings of one virtual directory as the service layer sees them (the config
// layer fills this in; the service never reads TOML).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "service/notification.hpp"

namespace bits::service {

struct vdir_policy {
  std::string url = "/";  ///< URL prefix, starting and ending with '/'
  bool upload_enabled = true;
  bool downloads_enabled = true;
  bool allow_overwrites = false;
  std::uint64_t max_upload_size = 0;           ///< bytes; 0 = unlimited
  std::uint64_t max_fragment_size = 16777216;  ///< bytes per Fragment body
  std::chrono::seconds session_timeout{1209600};
  std::chrono::seconds cleanup_interval{43200};
  std::string host_id;  ///< sent as BITS-Host-Id when not empty
  std::chrono::seconds host_id_fallback_timeout{86400};
  notification_type notification = notification_type::none;  ///< upload-reply when not none
  std::string notification_url;
  std::chrono::seconds notification_timeout{240};
  std::uint64_t max_sessions = 10000;          ///< open sessions (503 above)
  std::uint64_t max_sessions_per_user = 50;    ///< per authenticated principal
  std::uint64_t max_sessions_per_address = 0;  ///< per client address, anonymous only; 0 = none
  /// A session idle this long may be evicted when a limit above is reached.
  std::chrono::seconds evict_idle_after{900};
  std::uint64_t max_spool_bytes = 0;  ///< declared totals of open sessions; 0 = none
  std::uint64_t min_free_disk = 0;    ///< bytes kept free on the spool's filesystem
};

/// Settings shared by every virtual directory.
struct service_options {
  std::chrono::seconds sync_interval{5};  ///< 0 = sync data and metadata before every Ack
  std::chrono::seconds tombstone_ttl{3600};
};

}  // namespace bits::service
