// The real openbitsd as a child process: fork/execv with output captured to a log
// file, readiness through --port-file, and signals to stop it. No zombies are left:
// every path that ends the child also reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bits::test {

/// How a child process ended.
struct exit_status {
  bool exited = false;     ///< ended through exit(); `code` is valid
  int code = -1;           ///< exit code when `exited`
  int signal = 0;          ///< terminating signal when killed
  bool timed_out = false;  ///< had to be SIGKILLed after the grace period

  /// "exit 0", "signal 9", "timed out, signal 9".
  [[nodiscard]] std::string describe() const;
};

/// Output and status of a command run to completion.
struct run_result {
  exit_status status;
  std::string output;  ///< stdout and stderr, interleaved
};

/// Starts `binary` with `args` (argv[0] is `binary`): stdin from /dev/null, stdout on
/// `out_fd`, stderr on `err_fd`, the environment plus `env` ("NAME=value" entries that
/// replace inherited ones of the same name). The child is killed when the thread that
/// started it ends. -1 when fork fails.
[[nodiscard]] pid_t spawn_process(std::string const& binary, std::vector<std::string> const& args,
                                  int out_fd, int err_fd, std::vector<std::string> env = {});

/// Waits for `pid` up to `timeout`, then SIGKILLs it; always reaps.
[[nodiscard]] exit_status wait_bounded(pid_t pid, std::chrono::milliseconds timeout);

/// The exit_status of a raw waitpid() status.
[[nodiscard]] exit_status decode_wait_status(int status);

/// Runs `binary` with `args` (argv[0] is `binary`), stdin from /dev/null, waits at most
/// `timeout` (then SIGKILL) and returns what it printed.
[[nodiscard]] run_result run_to_exit(std::string const& binary,
                                     std::vector<std::string> const& args,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// One openbitsd process, startable again after it stopped (restarts append to the
/// same log). The destructor SIGKILLs and reaps a running child.
class daemon {
 public:
  /// Nothing is started yet. The port file is `work_dir`/`name`.port and the log
  /// `work_dir`/`name`.log.
  daemon(std::string binary, std::vector<std::string> args, std::filesystem::path work_dir,
         std::string name = "openbitsd");
  ~daemon();
  daemon(daemon const&) = delete;
  daemon& operator=(daemon const&) = delete;

  /// Starts the binary with args + "--port-file <port file>" and waits (<= 10 s,
  /// polling every 10 ms) until the port file holds at least one port. False, with the
  /// reason in last_error(), when the child exits first or the wait times out; the
  /// child is then reaped.
  [[nodiscard]] bool start();

  /// "NAME=value" entries added to the environment of the processes start() starts
  /// from now on (e.g. OPENBITSD_CRASH_AT); {} for the plain environment.
  void set_env(std::vector<std::string> env) { env_ = std::move(env); }

  /// First port from the port file (0 before a successful start()).
  [[nodiscard]] std::uint16_t port() const noexcept { return ports_.empty() ? 0 : ports_[0]; }
  /// Every port from the port file.
  [[nodiscard]] std::vector<std::uint16_t> const& ports() const noexcept { return ports_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// True while the child has not been reaped (a non-blocking waitpid is done here).
  [[nodiscard]] bool running();

  /// Sends `sig` and waits up to `timeout` for the exit; SIGKILL after that.
  exit_status stop(int sig = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// SIGKILL and reap.
  exit_status kill9() { return stop(SIGKILL); }
  /// Status of the last reaped child.
  [[nodiscard]] exit_status const& last_exit() const noexcept { return last_exit_; }

  [[nodiscard]] std::filesystem::path const& log_path() const noexcept { return log_path_; }
  [[nodiscard]] std::filesystem::path const& port_file() const noexcept { return port_file_; }
  /// The whole log so far.
  [[nodiscard]] std::string log() const;
  /// Its last `lines` lines.
  [[nodiscard]] std::string log_tail(std::size_t lines = 60) const;
  [[nodiscard]] std::string const& last_error() const noexcept { return error_; }
  [[nodiscard]] std::string const& binary() const noexcept { return binary_; }
  [[nodiscard]] std::vector<std::string> const& args() const noexcept { return args_; }

 private:
  bool wait_for_port_file();
  void reap(int options);

  std::string binary_;
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  std::filesystem::path port_file_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  std::vector<std::uint16_t> ports_;
  exit_status last_exit_;
  std::string error_;
};

}  // namespace bits::test
