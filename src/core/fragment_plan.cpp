// The fragment rule (reference 5.2): contiguous appends only, bytes already held are
// skipped rather than rewritten, the first accepted fragment fixes the total.
#include "core/fragment_plan.hpp"

#include <algorithm>

namespace bits::core {

result<fragment_plan> plan_fragment(upload_progress const& held, content_range const& range,
                                    fragment_limits const& limits) noexcept {
  // Order matters and is fixed (reference 4.5 step 6) so answers are reproducible:
  // a total change is reported even when the new total would also be too large.
  if (held.total && *held.total != range.total) return error::total_length_changed;
  if (limits.max_upload != 0 && range.total > limits.max_upload) return error::upload_too_large;
  if (limits.max_fragment != 0 && range.length > limits.max_fragment) {
    return error::fragment_too_large;
  }
  // The server keeps no holes: a fragment starting beyond N gets 416 and the client
  // resends from N. Nothing is recorded, not even the total.
  if (range.first > held.received) return error::range_not_contiguous;

  // first <= received here. Bytes [first, received) are held already: skip them. A pure
  // duplicate (end <= received, e.g. a resend after a lost Ack) skips its whole body and
  // is answered 200 with the unchanged N ([DECISION], reference 5.2).
  std::uint64_t const skip = std::min(held.received - range.first, range.length);
  fragment_plan plan;
  plan.skip = skip;
  plan.write_offset = range.first + skip;
  plan.write_length = range.length - skip;
  plan.received_after = std::max(held.received, range.end());
  plan.completes_upload = plan.received_after == range.total;
  return plan;
}

}  // namespace bits::core
