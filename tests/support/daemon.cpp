// daemon and run_to_exit: fork/execv, output redirection, bounded waits.
#include "support/daemon.hpp"

#include "core/number_text.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

namespace bits::test {
namespace {

using namespace std::chrono_literals;

std::string slurp(std::filesystem::path const& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

exit_status decode_wait_status(int status) {
  exit_status out;
  if (WIFEXITED(status)) {
    out.exited = true;
    out.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
  }
  return out;
}

// Everything the child needs is prepared before fork, so the child only makes system
// calls.
pid_t spawn_process(std::string const& binary, std::vector<std::string> const& args, int out_fd,
                    int err_fd, std::vector<std::string> env) {
  std::vector<std::string> storage;
  storage.reserve(args.size() + 1);
  storage.push_back(binary);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto const overridden = [&env](std::string_view entry) {
    auto const name = entry.substr(0, entry.find('=') + 1);
    return std::any_of(env.begin(), env.end(),
                       [&](std::string const& e) { return e.starts_with(name); });
  };
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!overridden(*e)) envp.push_back(*e);
  }
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  int const null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t const parent = ::getpid();
  pid_t const pid = ::fork();
  if (pid == 0) {
    // A child must not outlive a crashed test binary.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  if (null_fd >= 0) ::close(null_fd);
  return pid;
}

exit_status wait_bounded(pid_t pid, std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t const done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return decode_wait_status(status);
    if (done < 0 && errno != EINTR) return {};
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  exit_status out = decode_wait_status(status);
  out.timed_out = true;
  return out;
}

std::string exit_status::describe() const {
  std::string out = timed_out ? "timed out, " : "";
  if (exited) return out + "exit " + std::to_string(code);
  if (signal != 0) return out + "signal " + std::to_string(signal);
  return out + "unknown";
}

run_result run_to_exit(std::string const& binary, std::vector<std::string> const& args,
                       std::chrono::milliseconds timeout) {
  run_result result;
  std::FILE* capture = std::tmpfile();
  if (capture == nullptr) return result;
  pid_t const pid = spawn_process(binary, args, ::fileno(capture), ::fileno(capture));
  if (pid < 0) {
    std::fclose(capture);
    return result;
  }
  result.status = wait_bounded(pid, timeout);
  std::rewind(capture);
  char chunk[4096];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, capture)) > 0) result.output.append(chunk, got);
  std::fclose(capture);
  return result;
}

daemon::daemon(std::string binary, std::vector<std::string> args, std::filesystem::path work_dir,
               std::string name)
    : binary_(std::move(binary)),
      args_(std::move(args)),
      port_file_(work_dir / (name + ".port")),
      log_path_(work_dir / (name + ".log")) {}

daemon::~daemon() {
  if (pid_ > 0) kill9();
}

bool daemon::start() {
  if (pid_ > 0) {
    error_ = "already running";
    return false;
  }
  std::error_code ec;
  std::filesystem::remove(port_file_, ec);
  ports_.clear();
  int const log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    error_ = "cannot open " + log_path_.string() + ": " + std::strerror(errno);
    return false;
  }
  std::vector<std::string> args = args_;
  args.push_back("--port-file");
  args.push_back(port_file_.string());
  pid_ = spawn_process(binary_, args, log_fd, log_fd, env_);
  ::close(log_fd);
  if (pid_ < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (wait_for_port_file()) return true;
  if (pid_ > 0) kill9();
  return false;
}

bool daemon::wait_for_port_file() {
  auto const deadline = std::chrono::steady_clock::now() + 10s;
  std::string previous;
  while (std::chrono::steady_clock::now() < deadline) {
    reap(WNOHANG);
    if (pid_ < 0) {
      error_ = "openbitsd ended before writing its port file (" + last_exit_.describe() + ")";
      return false;
    }
    std::string const text = slurp(port_file_);
    // A port counts once its line is finished, or once the file stopped changing.
    if (!text.empty() && (text.back() == '\n' || text == previous)) {
      std::vector<std::uint16_t> ports;
      std::size_t pos = 0;
      while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        auto const value = core::parse_decimal_u64(std::string_view(text).substr(pos, eol - pos));
        if (value && *value > 0 && *value < 65536)
          ports.push_back(static_cast<std::uint16_t>(*value));
        pos = eol + 1;
      }
      if (!ports.empty()) {
        ports_ = std::move(ports);
        return true;
      }
    }
    previous = text;
    std::this_thread::sleep_for(10ms);
  }
  error_ = "no port in " + port_file_.string() + " after 10 s";
  return false;
}

void daemon::reap(int options) {
  if (pid_ <= 0) return;
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(pid_, &status, options)) < 0 && errno == EINTR) {
  }
  if (done == pid_ || done < 0) {
    last_exit_ = done == pid_ ? decode_wait_status(status) : exit_status{};
    pid_ = -1;
  }
}

bool daemon::running() {
  reap(WNOHANG);
  return pid_ > 0;
}

exit_status daemon::stop(int sig, std::chrono::milliseconds timeout) {
  reap(WNOHANG);
  if (pid_ <= 0) return last_exit_;
  ::kill(pid_, sig);
  last_exit_ = wait_bounded(pid_, timeout);
  pid_ = -1;
  return last_exit_;
}

std::string daemon::log() const {
  return slurp(log_path_);
}

std::string daemon::log_tail(std::size_t lines) const {
  std::string const text = log();
  std::size_t pos = text.size();
  std::size_t seen = 0;
  while (pos > 0) {
    auto const nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    if (nl + 1 < text.size() && ++seen > lines) return text.substr(nl + 1);
    pos = nl;
  }
  return text;
}

}  // namespace bits::test
