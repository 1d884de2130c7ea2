// Progress rendering and signal handling for the CLI.
#include "console.hpp"

#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <csignal>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace openbits_cli {
namespace {

using bits::client::job_phase;

constexpr auto bar_refresh = std::chrono::milliseconds(100);
std::atomic<bool> g_interrupted{false};

std::size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

void write_err(std::string const& text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

console::console(std::string operation, console_options const& options)
    : operation_(std::move(operation)), options_(options), tty_(::isatty(STDERR_FILENO) == 1) {}

void console::clear_bar_locked() {
  if (bar_shown_) write_err("\r\x1b[K");
  bar_shown_ = false;
}

// Lines for logs come at a fixed interval, plus one whenever the job starts waiting for
// a retry (that is news); the terminal bar redraws ten times a second.
void console::progress(bits::client::progress_info const& info) {
  std::lock_guard lock(mutex_);
  auto const now = std::chrono::steady_clock::now();
  if (info.phase != job_phase::waiting) meter_.add(now, info.bytes_done);
  bool const new_wait = info.phase == job_phase::waiting && last_phase_ != job_phase::waiting;
  last_phase_ = info.phase;
  last_ = info;
  have_last_ = true;
  if (options_.quiet || finished_) return;
  double const rate = meter_.rate();
  double const eta = meter_.eta(info.bytes_total);
  if (tty_) {
    if (now - last_print_ < bar_refresh && info.phase != job_phase::done) return;
    last_print_ = now;
    write_err("\r" + bits::client::format_progress_bar(info, rate, eta, terminal_width() - 1) +
              "\x1b[K");
    bar_shown_ = true;
    return;
  }
  if (!new_wait && now - last_print_ < options_.interval) return;
  last_print_ = now;
  write_err(bits::client::format_progress_line(operation_, info, rate, eta) + "\n");
}

void console::event(std::string_view line) {
  if (!options_.verbose) return;
  message(line);
}

void console::message(std::string_view line) {
  std::lock_guard lock(mutex_);
  clear_bar_locked();
  std::string text(line);
  if (!text.starts_with("openbits: ")) text = "openbits: " + text;
  write_err(text + "\n");
}

void console::finish() {
  std::lock_guard lock(mutex_);
  if (options_.quiet || !have_last_ || finished_) return;
  finished_ = true;
  double const rate = meter_.rate();
  if (tty_) {
    write_err("\r" + bits::client::format_progress_bar(last_, rate, 0, terminal_width() - 1) +
              "\x1b[K\n");
    bar_shown_ = false;
  } else {
    write_err(bits::client::format_progress_line(operation_, last_, rate, 0) + "\n");
  }
}

void stop_on_signals(std::stop_source& source) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set, source]() mutable {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (g_interrupted.exchange(true)) std::_Exit(130);
      source.request_stop();
    }
  }).detach();
}

bool interrupted() noexcept {
  return g_interrupted.load();
}

}  // namespace openbits_cli
