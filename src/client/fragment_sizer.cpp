// Adaptive fragment size. The aim is about one second per fragment: long enough that
// the per-request round trip is noise (13 MiB on a fast LAN), short enough that an
// interrupted transfer resends at most about a second of data and that progress shows
// on slow links. Starting small costs nothing on fast links (eight doublings reach the
// ceiling after ~16 MiB) and keeps the first probe of a resumed session cheap, since it
// may be answered with 416.
#include "client/fragment_sizer.hpp"

#include <algorithm>

namespace bits::client {

fragment_sizer::fragment_sizer(std::uint64_t fixed) noexcept
    : adaptive_(fixed == 0),
      size_(fixed == 0 ? adaptive_start : std::max(fixed, minimum)),
      cap_(fixed == 0 ? adaptive_ceiling : std::max(fixed, minimum)) {}

void fragment_sizer::on_acknowledged(std::uint64_t bytes, std::chrono::microseconds took) noexcept {
  if (!adaptive_ || bytes < size_) return;
  if (took < target / 2) {
    size_ = std::min(size_ * 2, cap_);
  } else if (took > target * 4) {
    size_ = std::max(size_ / 2, std::min(adaptive_floor, cap_));
  }
}

bool fragment_sizer::on_too_large(std::uint64_t attempted) noexcept {
  if (attempted <= minimum) return false;
  size_ = std::max(attempted / 2, minimum);
  cap_ = std::min(cap_, size_);
  return true;
}

}  // namespace bits::client
