// The settings of one virtual directory as the service layer sees them: the [[vdir]]
// settings themselves (src/settings/vdir.def), filled in by the config layer; the
// service never reads TOML.
#pragma once

#include "settings/settings.hpp"

#include <chrono>

namespace bits::service {

/// One [[vdir]]: url (starting and ending with '/'), limits, timeouts, upload-reply.
using vdir_policy = settings::vdir_settings;

/// The [server] settings every virtual directory's service shares; the defaults are the
/// settings table's.
struct service_options {
  /// 0 = sync data and metadata before every Ack.
  std::chrono::seconds sync_interval = settings::server_settings{}.sync_interval;
  std::chrono::seconds tombstone_ttl = settings::server_settings{}.tombstone_ttl;

  /// The two settings out of [server].
  [[nodiscard]] static service_options from(settings::server_settings const& s) {
    return {s.sync_interval, s.tombstone_ttl};
  }
};

}  // namespace bits::service
