// Session ids come from getrandom(2) and nothing else: an id must never be guessable.
#include "service/random_id.hpp"

#include <sys/random.h>

#include <cerrno>

namespace bits::service {

core::session_id random_session_id() {
  core::session_id::bytes_type bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    // getrandom on 16 bytes never returns short once the pool is initialised; loop for
    // EINTR all the same. There is no fallback: an id must never be guessable.
    ssize_t const n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  return core::session_id(bytes);
}

}  // namespace bits::service
