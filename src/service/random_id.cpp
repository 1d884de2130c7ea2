// Session ids come from getrandom(2) and nothing else. A kernel that keeps refusing
// (seccomp, an interrupted call repeated) gets an error answer, not a spinning thread.
#include "service/random_id.hpp"

#include <sys/random.h>

#include <cerrno>

namespace bits::service {

status fill_random(std::span<std::byte> out) {
  // getrandom on 16 bytes never returns short once the pool is initialised, and blocks
  // (never EAGAIN) before that; a signal may interrupt it. A few tries cover both.
  constexpr int max_tries = 8;
  std::size_t got = 0;
  int err = 0;
  for (int attempt = 0; attempt < max_tries && got < out.size(); ++attempt) {
    ssize_t const n = ::getrandom(out.data() + got, out.size() - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
      continue;
    }
    err = n < 0 ? errno : EIO;
    if (err != EINTR && err != EAGAIN) break;
  }
  if (got == out.size()) return {};
  if (err == 0) err = EIO;  // short reads only, every try
  return {error::storage_failure, cause("getrandom", {err, boost::system::generic_category()})};
}

status_or<core::session_id> random_session_id() {
  core::session_id::bytes_type bytes{};
  if (auto failed = fill_random(std::as_writable_bytes(std::span{bytes}))) return failed;
  return core::session_id(bytes);
}

}  // namespace bits::service
