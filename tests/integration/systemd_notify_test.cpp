// The daemon as systemd (Type=notify) sees it, without systemd: the test binds the
// unix datagram socket NOTIFY_SOCKET names and reads what the daemon reports. READY
// comes once the listener accepts, a SIGHUP is framed by RELOADING and READY with the
// open sessions in STATUS, and SIGTERM sends STOPPING.
#include "integration/fixture.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

namespace bits::test {
namespace {

/// A bound AF_UNIX datagram socket, as systemd's notify socket.
class notify_socket {
 public:
  explicit notify_socket(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) == 0;
  }
  ~notify_socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  notify_socket(notify_socket const&) = delete;
  notify_socket& operator=(notify_socket const&) = delete;

  [[nodiscard]] bool bound() const noexcept { return bound_; }
  [[nodiscard]] std::string env() const { return "NOTIFY_SOCKET=" + path_.string(); }

  /// Datagrams until one contains `wanted` (returned), or "" after 10 s. Every
  /// datagram read is appended to seen().
  std::string wait_for(std::string_view wanted) {
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) != 1) continue;
      char buffer[4096];
      auto const n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      std::string datagram(buffer, static_cast<std::size_t>(n));
      seen_ += datagram + "\n--\n";
      if (datagram.find(wanted) != std::string::npos) return datagram;
    }
    return {};
  }
  [[nodiscard]] std::string const& seen() const noexcept { return seen_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
  std::string seen_;
};

class SystemdNotify : public daemon_test {};

TEST_F(SystemdNotify, ReadyWhenListeningReloadingAroundSighupStoppingAtSigterm) {
  notify_socket sd(tmp() / "notify.sock");
  ASSERT_TRUE(sd.bound()) << std::strerror(errno);
  set_env({sd.env()});
  ASSERT_TRUE(start_cli());

  auto const ready = sd.wait_for("READY=1");
  ASSERT_FALSE(ready.empty()) << sd.seen();
  EXPECT_NE(ready.find("STATUS=0 open sessions"), std::string::npos) << ready;
  EXPECT_TRUE(still_serving());

  auto client = connect();
  ASSERT_FALSE(client.create_session("/a.bin").empty());
  ASSERT_EQ(::kill(server().pid(), SIGHUP), 0);
  auto const reloading = sd.wait_for("RELOADING=1");
  ASSERT_FALSE(reloading.empty()) << sd.seen();
  EXPECT_NE(reloading.find("MONOTONIC_USEC="), std::string::npos) << reloading;
  auto const reloaded = sd.wait_for("READY=1");
  ASSERT_FALSE(reloaded.empty()) << sd.seen();
  EXPECT_NE(reloaded.find("STATUS=1 open sessions, 1 connections"), std::string::npos) << reloaded;

  ASSERT_EQ(::kill(server().pid(), SIGTERM), 0);
  EXPECT_FALSE(sd.wait_for("STOPPING=1").empty()) << sd.seen();
}

TEST_F(SystemdNotify, WithoutNotifySocketTheDaemonServesAsBefore) {
  set_env({"NOTIFY_SOCKET="});
  ASSERT_TRUE(start_cli());
  EXPECT_TRUE(still_serving());
  EXPECT_EQ(::kill(server().pid(), SIGHUP), 0);
  EXPECT_TRUE(still_serving());
}

}  // namespace
}  // namespace bits::test
