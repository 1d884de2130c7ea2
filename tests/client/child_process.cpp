// fork/exec with redirected output; every path reaps the child.
#include "client/child_process.hpp"

#include "support/digest.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <thread>

namespace bits::test {
namespace {

exit_status decode(int raw) {
  exit_status s;
  if (WIFEXITED(raw)) {
    s.exited = true;
    s.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    s.signal = WTERMSIG(raw);
  }
  return s;
}

}  // namespace

child_process::child_process(std::string const& binary, std::vector<std::string> const& args,
                             std::filesystem::path out, std::filesystem::path err,
                             std::map<std::string, std::string> const& env)
    : out_(std::move(out)), err_(std::move(err)) {
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ != 0) return;
  int const in = ::open("/dev/null", O_RDONLY);
  int const o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int const e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || o < 0 || e < 0) ::_exit(127);
  ::dup2(in, 0);
  ::dup2(o, 1);
  ::dup2(e, 2);
  for (auto const& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  ::execv(binary.c_str(), argv.data());
  ::_exit(127);
}

child_process::~child_process() {
  if (running()) kill(SIGKILL);
}

bool child_process::running() {
  if (pid_ <= 0) return false;
  int raw = 0;
  pid_t const r = ::waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) {
    status_ = decode(raw);
    pid_ = -1;
    return false;
  }
  return r == 0;
}

exit_status child_process::wait(std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      auto s = kill(SIGKILL);
      s.timed_out = true;
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

exit_status child_process::kill(int sig) {
  if (pid_ > 0) {
    ::kill(pid_, sig);
    int raw = 0;
    if (::waitpid(pid_, &raw, 0) == pid_) status_ = decode(raw);
    pid_ = -1;
  }
  return status_;
}

std::string child_process::out() const {
  return read_file(out_);
}
std::string child_process::err() const {
  return read_file(err_);
}

}  // namespace bits::test
