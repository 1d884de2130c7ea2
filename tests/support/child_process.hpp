// A child process with stdout and stderr captured to separate files, for running a
// command (openbits) in the background, to kill it midway, or to completion.
#pragma once

#include "support/daemon.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bits::test {

class child_process {
 public:
  /// Starts `binary` with `args`; output goes to `out` and `err`; `env` entries are set
  /// in the child on top of the inherited environment. stdin is /dev/null.
  child_process(std::string const& binary, std::vector<std::string> const& args,
                std::filesystem::path out, std::filesystem::path err,
                std::map<std::string, std::string> const& env = {});
  ~child_process();
  child_process(child_process const&) = delete;
  child_process& operator=(child_process const&) = delete;

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// Waits up to `timeout`, then SIGKILLs (timed_out is then set).
  exit_status wait(std::chrono::milliseconds timeout);
  /// Sends `sig` and waits for the exit.
  exit_status kill(int sig);
  [[nodiscard]] bool running();

  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_;
  std::filesystem::path err_;
  exit_status status_;
};

}  // namespace bits::test
