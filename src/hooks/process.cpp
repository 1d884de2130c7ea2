// run_process: posix_spawn into a new process group, one poll loop over the three
// pipes and a pidfd (the exit), SIGKILL to the group at the deadline.
#include "hooks/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>

#include <algorithm>
#include <array>
#include <optional>
#include <system_error>

extern char** environ;

namespace bits::hooks {
namespace {

using clock = std::chrono::steady_clock;

/// After the program exits, how long its output pipes may stay open (held by something
/// it left running) before they are abandoned.
constexpr std::chrono::milliseconds drain_after_exit{250};
/// Without a pidfd (kernels before 5.3), how often the exit is polled for.
constexpr std::chrono::milliseconds exit_poll_interval{10};
constexpr std::size_t io_chunk = 64 * 1024;

class owned_fd {
 public:
  owned_fd() = default;
  explicit owned_fd(int fd) noexcept : fd_(fd) {}
  owned_fd(owned_fd const&) = delete;
  owned_fd& operator=(owned_fd const&) = delete;
  ~owned_fd() { close(); }
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool open() const noexcept { return fd_ >= 0; }
  void reset(int fd) noexcept {
    close();
    fd_ = fd;
  }
  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct pipe_pair {
  owned_fd read;
  owned_fd write;
  bool make() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) return false;
    read.reset(fds[0]);
    write.reset(fds[1]);
    return true;
  }
};

void set_nonblocking(int fd) {
  int const flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) static_cast<void>(::fcntl(fd, F_SETFL, flags | O_NONBLOCK));
}

/// The environment for the child: ours, with `extra` replacing same-named entries.
std::vector<std::string> child_environment(std::vector<std::string> const& extra) {
  std::vector<std::string> env;
  auto const name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view const entry(*e);
    bool const replaced = std::any_of(extra.begin(), extra.end(), [&](std::string const& x) {
      return name_of(x) == name_of(entry);
    });
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// Reads what `fd` has now into `into` (up to `limit` bytes kept); closes it at EOF or
/// on an error.
void drain(owned_fd& fd, std::string& into, std::size_t limit) {
  std::array<char, io_chunk> buf{};
  for (;;) {
    ssize_t const n = ::read(fd.get(), buf.data(), buf.size());
    if (n > 0) {
      auto const keep = std::min(static_cast<std::size_t>(n), limit - std::min(limit, into.size()));
      into.append(buf.data(), keep);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    fd.close();  // EOF or a read error
    return;
  }
}

/// Writes more of `input` to `fd`; closes it when all is written or the reader is gone.
/// SIGPIPE is blocked in this thread (see run_process); one raised here is consumed.
void feed(owned_fd& fd, std::string_view input, std::size_t& written) {
  while (written < input.size()) {
    auto const len = std::min(io_chunk, input.size() - written);
    ssize_t const n = ::write(fd.get(), input.data() + written, len);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EPIPE) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      timespec const zero{};
      static_cast<void>(::sigtimedwait(&pipe_set, nullptr, &zero));
    }
    break;  // the program does not read its input: fine
  }
  fd.close();
}

/// The exit status of `pid` if it has ended (reaps it).
std::optional<int> reap(pid_t pid, bool block) {
  int status = 0;
  for (;;) {
    pid_t const r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno == EINTR) continue;
    return std::nullopt;
  }
}

/// Blocks SIGPIPE in the calling thread for the lifetime of the object.
class sigpipe_blocked {
 public:
  sigpipe_blocked() noexcept {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  sigpipe_blocked(sigpipe_blocked const&) = delete;
  sigpipe_blocked& operator=(sigpipe_blocked const&) = delete;
  ~sigpipe_blocked() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_{};
};

pid_t spawn(std::vector<std::string> const& argv, std::vector<std::string> const& extra_env,
            pipe_pair& in, pipe_pair& out, pipe_pair& err, int& error) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in.read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), STDERR_FILENO);
  // Listening sockets and client connections must not live on in a hook's children.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_setflags(
      &attr,
      static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t all;
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<std::string> args(argv.begin(), argv.end());
  std::vector<std::string> env = child_environment(extra_env);
  auto arg_ptrs = pointers(args);
  auto env_ptrs = pointers(env);
  pid_t pid = -1;
  error = ::posix_spawn(&pid, args[0].c_str(), &actions, &attr, arg_ptrs.data(), env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return error == 0 ? pid : -1;
}

void record_status(process_result& r, int status) {
  if (WIFEXITED(status)) {
    r.how = process_result::ending::exited;
    r.code = WEXITSTATUS(status);
  } else {
    r.how = process_result::ending::signalled;
    r.code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}

}  // namespace

process_result run_process(std::vector<std::string> const& argv,
                           std::vector<std::string> const& extra_env, std::string_view input,
                           process_limits const& limits) {
  process_result r;
  if (argv.empty() || argv[0].empty()) {
    r.code = EINVAL;
    return r;
  }
  pipe_pair in;
  pipe_pair out;
  pipe_pair err;
  if (!in.make() || !out.make() || !err.make()) {
    r.code = errno;
    return r;
  }
  sigpipe_blocked const no_sigpipe;
  auto const deadline = clock::now() + limits.timeout;
  int spawn_error = 0;
  pid_t const pid = spawn(argv, extra_env, in, out, err, spawn_error);
  in.read.close();
  out.write.close();
  err.write.close();
  if (pid < 0) {
    r.code = spawn_error;
    return r;
  }
  for (int fd : {in.write.get(), out.read.get(), err.read.get()}) set_nonblocking(fd);
  owned_fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

  std::size_t written = 0;
  if (input.empty()) in.write.close();
  std::optional<int> status;
  std::optional<clock::time_point> drain_until;
  for (;;) {
    if (!status && !pidfd.open()) status = reap(pid, false);
    if (status && !drain_until) drain_until = clock::now() + drain_after_exit;
    if (status && !out.read.open() && !err.read.open()) break;
    auto const now = clock::now();
    if (!status && now >= deadline) {
      ::kill(-pid, SIGKILL);
      static_cast<void>(reap(pid, true));
      r.how = process_result::ending::timed_out;
      r.code = SIGKILL;
      drain(out.read, r.out, limits.max_stdout);
      drain(err.read, r.err, limits.max_stderr);
      return r;
    }
    if (status && now >= *drain_until) break;
    auto wait =
        std::chrono::ceil<std::chrono::milliseconds>((status ? *drain_until : deadline) - now);
    if (!status && !pidfd.open()) wait = std::min(wait, exit_poll_interval);

    std::array<pollfd, 4> fds{};
    nfds_t n = 0;
    auto const watch = [&](owned_fd const& fd, short events) {
      fds[n++] = pollfd{fd.open() ? fd.get() : -1, events, 0};
    };
    watch(in.write, POLLOUT);
    watch(out.read, POLLIN);
    watch(err.read, POLLIN);
    if (!status && pidfd.open()) watch(pidfd, POLLIN);
    int const ready = ::poll(fds.data(), n, static_cast<int>(std::max<long>(wait.count(), 0)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (fds[0].revents != 0) feed(in.write, input, written);
    if (fds[1].revents != 0) drain(out.read, r.out, limits.max_stdout);
    if (fds[2].revents != 0) drain(err.read, r.err, limits.max_stderr);
    if (n == 4 && fds[3].revents != 0) status = reap(pid, false);
  }
  if (!status) status = reap(pid, true);  // poll failed: wait for it plainly
  record_status(r, *status);
  return r;
}

std::string describe(process_result const& r, process_limits const& limits) {
  std::string s;
  switch (r.how) {
    case process_result::ending::exited:
      s = "exit " + std::to_string(r.code);
      break;
    case process_result::ending::signalled:
      s = "signal " + std::to_string(r.code);
      break;
    case process_result::ending::timed_out:
      s = "timed out after " + std::to_string(limits.timeout.count()) + " ms";
      break;
    case process_result::ending::not_started:
      s = "cannot start: " + std::generic_category().message(r.code);
      break;
  }
  if (auto const line = std::string_view(r.err).substr(0, r.err.find('\n')); !line.empty()) {
    s += ": ";
    s += line.substr(0, 200);
  }
  return s;
}

}  // namespace bits::hooks
