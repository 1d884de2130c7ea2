// The fragment rule (reference 5.2) as a pure decision: what to do with one Fragment
// given what the server already holds. Fuzzed.
#pragma once

#include "core/content_range.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <optional>

namespace bits::core {

/// What the server holds of one upload.
struct upload_progress {
  std::uint64_t received = 0;          ///< bytes [0, received) are stored (N)
  std::optional<std::uint64_t> total;  ///< fixed by the first accepted fragment
};

/// Limits that apply to a fragment; 0 means "no limit" for max_upload.
struct fragment_limits {
  std::uint64_t max_upload = 0;    ///< total above this -> upload_too_large
  std::uint64_t max_fragment = 0;  ///< body above this -> fragment_too_large (0 = none)
};

/// How to apply one Fragment: discard `skip` body bytes, then write `write_length`
/// bytes at `write_offset`.
struct fragment_plan {
  std::uint64_t skip = 0;
  std::uint64_t write_offset = 0;
  std::uint64_t write_length = 0;
  std::uint64_t received_after = 0;  ///< next expected byte: BITS-Received-Content-Range
  bool completes_upload = false;     ///< this fragment brings received to total
};

/// Applies, in this order (reference 4.5 step 6, 5.2):
///  total differs from held.total     -> error::total_length_changed  (400)
///  total above limits.max_upload     -> error::upload_too_large      (500)
///  length above limits.max_fragment  -> error::fragment_too_large    (413)
///  range.first > held.received (gap) -> error::range_not_contiguous  (416)
/// Otherwise the plan: a pure duplicate (end <= received) writes nothing and keeps
/// received; an overlap skips the bytes already held; completes_upload is true when
/// received_after == total (the zero-byte range {0,0,0} completes at once; so does a
/// duplicate of the last fragment, which the caller answers from the session state).
/// The caller has already checked that the body length equals range.length.
[[nodiscard]] result<fragment_plan> plan_fragment(upload_progress const& held,
                                                  content_range const& range,
                                                  fragment_limits const& limits) noexcept;

}  // namespace bits::core
