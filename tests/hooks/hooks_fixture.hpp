// Fixture of the hook tests: a temporary directory, and the webhook receiver
// (hook_receiver.py) as a real process that checks signatures and logs what it got.
#pragma once

#include "hooks/event.hpp"
#include "support/daemon.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

/// One request the receiver logged.
struct received {
  std::string path;
  nlohmann::json headers;  ///< names in lower case
  std::string body;
  bool signature_ok = false;
  bool timestamp_ok = false;
  std::string event_id;
  std::string event_type;
};

/// hook_receiver.py as a child process; stop() and start() again keep its port.
class receiver {
 public:
  receiver(std::filesystem::path work_dir, std::string secret);
  /// Starts it on its previous port (any free port the first time). False with a test
  /// failure when it does not come up.
  bool start();
  void stop();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// "http://127.0.0.1:<port>/<path>".
  [[nodiscard]] std::string url(std::string_view path) const;
  /// Every request logged so far, in order.
  [[nodiscard]] std::vector<received> calls() const;
  [[nodiscard]] std::string log_tail() const;

 private:
  std::filesystem::path dir_;
  std::string secret_;
  std::uint16_t port_ = 0;
  std::unique_ptr<daemon> process_;
};

/// Polls `done` every 20 ms for at most `limit`; true once it returned true.
bool eventually(std::function<bool()> const& done,
                std::chrono::milliseconds limit = std::chrono::seconds(10));

/// A post-commit event for "/up/<name>" with a random id.
[[nodiscard]] hooks::event sample_event(std::string const& name);

/// The path of the test's python interpreter and receiver script.
[[nodiscard]] std::string python3();
[[nodiscard]] std::string receiver_script();

}  // namespace bits::test
