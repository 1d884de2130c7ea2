// The daemon's state for systemd (Type=notify), through libsystemd's sd_notify: READY
// once every listener is bound and every session recovered, RELOADING/READY around a
// SIGHUP reload, STOPPING at the graceful stop, and a STATUS line. Without NOTIFY_SOCKET
// (not started by systemd) every call does nothing.
#pragma once

#include <string_view>

namespace bits::server::service_manager {

/// READY=1 with `status` as the STATUS line.
void ready(std::string_view status);
/// RELOADING=1 (with MONOTONIC_USEC, as Type=notify-reload asks): a reload begins.
void reloading();
/// STOPPING=1: the graceful stop began.
void stopping();
/// STATUS=`status` (shown by systemctl status).
void status(std::string_view status);

}  // namespace bits::server::service_manager
