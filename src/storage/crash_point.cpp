// OPENBITSD_CRASH_AT: the crash point armed for this process, if any.
#include "storage/crash_point.hpp"

#if BITS_FAULT_INJECTION

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace bits::storage::detail {

void crash_point(char const* name) noexcept {
  // Read once: getenv is not safe against a concurrent setenv, and nobody sets it later.
  static char const* const armed = std::getenv("OPENBITSD_CRASH_AT");
  if (armed == nullptr || std::strcmp(armed, name) != 0) return;
  for (char const* part : {"openbitsd: crash point ", name, " reached\n"}) {
    static_cast<void>(::write(STDERR_FILENO, part, std::strlen(part)));
  }
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);  // not reached: SIGKILL cannot be caught
}

}  // namespace bits::storage::detail

#endif
