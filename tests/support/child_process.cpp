// child_process on support/daemon's process primitives; every path reaps the child.
#include "support/child_process.hpp"

#include "support/digest.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <utility>

namespace bits::test {

child_process::child_process(std::string const& binary, std::vector<std::string> const& args,
                             std::filesystem::path out, std::filesystem::path err,
                             std::map<std::string, std::string> const& env)
    : out_(std::move(out)), err_(std::move(err)) {
  int const o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int const e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (o >= 0 && e >= 0) {
    std::vector<std::string> entries;
    for (auto const& [name, value] : env) entries.push_back(name + "=" + value);
    pid_ = spawn_process(binary, args, o, e, std::move(entries));
  }
  if (o >= 0) ::close(o);
  if (e >= 0) ::close(e);
}

child_process::~child_process() {
  if (running()) kill(SIGKILL);
}

bool child_process::running() {
  if (pid_ <= 0) return false;
  int raw = 0;
  pid_t const r = ::waitpid(pid_, &raw, WNOHANG);
  if (r == pid_) {
    status_ = decode_wait_status(raw);
    pid_ = -1;
    return false;
  }
  return r == 0;
}

exit_status child_process::wait(std::chrono::milliseconds timeout) {
  if (pid_ > 0) status_ = wait_bounded(std::exchange(pid_, -1), timeout);
  return status_;
}

exit_status child_process::kill(int sig) {
  if (pid_ > 0) {
    ::kill(pid_, sig);
    int raw = 0;
    while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
    status_ = decode_wait_status(raw);
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
