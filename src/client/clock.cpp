// The real clock.
#include "client/clock.hpp"

#include <condition_variable>
#include <mutex>

namespace bits::client {

bool system_clock::sleep_for(duration d, std::stop_token const& stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  // wait_for with a stop_token returns early (and true) only when stop is requested.
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

clock& default_clock() noexcept {
  static system_clock instance;
  return instance;
}

}  // namespace bits::client
