// sd_notify is a no-op returning 0 without NOTIFY_SOCKET; a failure to reach the socket
// is logged once at debug and never stops the daemon.
#include "server/service_manager.hpp"

#include <systemd/sd-daemon.h>

#include <spdlog/spdlog.h>

#include <cstring>
#include <ctime>
#include <string>

namespace bits::server::service_manager {

namespace {

void send(std::string const& state) {
  if (int const r = sd_notify(0, state.c_str()); r < 0) {
    spdlog::debug("sd_notify: {}", std::strerror(-r));
  }
}

/// One line: a STATUS line ends at the first newline.
std::string status_line(std::string_view status) {
  std::string line(status.substr(0, status.find('\n')));
  return "STATUS=" + line;
}

}  // namespace

void ready(std::string_view status) {
  send("READY=1\n" + status_line(status));
}

void reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  auto const usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void stopping() {
  send("STOPPING=1");
}

void status(std::string_view status) {
  send(status_line(status));
}

}  // namespace bits::server::service_manager
