// What the openbits command prints while it works: a live progress bar on a terminal,
// periodic lines otherwise, verbose event lines; and Ctrl-C turned into a stop request.
#pragma once

#include "client/job.hpp"
#include "client/progress.hpp"

#include <chrono>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>

namespace openbits_cli {

/// How progress is shown.
struct console_options {
  bool quiet = false;                        ///< nothing but failures (and --json)
  bool verbose = false;                      ///< one stderr line per exchange
  std::chrono::milliseconds interval{5000};  ///< between lines when stderr is no terminal
};

/// Renders progress and events on stderr. Thread-safe.
class console {
 public:
  /// `operation` names the job in lines ("upload", "download").
  console(std::string operation, console_options const& options);

  /// The hook for job_hooks::on_progress.
  void progress(bits::client::progress_info const& info);
  /// The hook for job_hooks::on_event (prints only with --verbose).
  void event(std::string_view line);
  /// A message line ("openbits: ..."), clearing a live bar first.
  void message(std::string_view line);
  /// Ends the live bar (prints the final state) so later output starts on a new line.
  void finish();

 private:
  void clear_bar_locked();

  std::mutex mutex_;
  std::string operation_;
  console_options options_;
  bool tty_;
  bool bar_shown_ = false;
  bits::client::rate_meter meter_;
  bits::client::progress_info last_{};
  bool have_last_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_print_{};
  bits::client::job_phase last_phase_ = bits::client::job_phase::connecting;
};

/// Blocks SIGINT and SIGTERM in every thread and starts a thread that turns the first
/// of them into stop_source.request_stop() (a second one exits at once with 130).
/// Call before any other thread starts.
void stop_on_signals(std::stop_source& source);

/// True once a signal has requested the stop.
[[nodiscard]] bool interrupted() noexcept;

}  // namespace openbits_cli
