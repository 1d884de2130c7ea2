// The fragment rule (reference 5.2) with arbitrary held progress, limits and Content-Range
// text, through the same code the server runs. Any accepted plan must satisfy the
// properties below, and refusals must come in the documented order.
#include "core/fragment_plan.hpp"

#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace {

namespace core = bits::core;

// A state the server can be in: no bytes before the total is fixed, never more than it.
core::upload_progress make_progress(bits::fuzz::fuzz_input& in) {
  core::upload_progress held;
  std::uint8_t const mode = in.u8();
  if ((mode & 1u) == 0) return held;
  held.total = (mode & 2u) != 0 ? in.u64() : in.u16();
  std::uint64_t const r = in.u64();
  held.received = *held.total == UINT64_MAX ? r : r % (*held.total + 1);
  return held;
}

// The order of refusals (fragment_plan.hpp), restated.
std::optional<bits::error> expected_refusal(core::upload_progress const& held,
                                            core::content_range const& range,
                                            core::fragment_limits const& limits) {
  if (held.total && *held.total != range.total) return bits::error::total_length_changed;
  if (limits.max_upload != 0 && range.total > limits.max_upload) {
    return bits::error::upload_too_large;
  }
  if (limits.max_fragment != 0 && range.length > limits.max_fragment) {
    return bits::error::fragment_too_large;
  }
  if (range.first > held.received) return bits::error::range_not_contiguous;
  return std::nullopt;
}

void check_plan(core::upload_progress const& held, core::content_range const& range,
                core::fragment_plan const& plan) {
  // No rewrite below what is held: writing starts exactly at N.
  BITS_FUZZ_CHECK(plan.write_length == 0 || plan.write_offset == held.received);
  BITS_FUZZ_CHECK(plan.write_offset >= range.first);
  // No overrun: nothing past the range, nor past the file.
  BITS_FUZZ_CHECK(plan.write_length <= range.total - plan.write_offset);
  BITS_FUZZ_CHECK(plan.write_offset + plan.write_length <= range.end());
  // The whole body is accounted for.
  BITS_FUZZ_CHECK(plan.skip + plan.write_length == range.length);
  BITS_FUZZ_CHECK(plan.skip <= range.length);
  // received_after: monotonic, contiguous, never past the total.
  BITS_FUZZ_CHECK(plan.received_after >= held.received);
  BITS_FUZZ_CHECK(plan.received_after <= range.total);
  BITS_FUZZ_CHECK(plan.write_length == 0 ||
                  plan.received_after == plan.write_offset + plan.write_length);
  BITS_FUZZ_CHECK(plan.write_length != 0 || plan.received_after == held.received);
  BITS_FUZZ_CHECK(plan.completes_upload == (plan.received_after == range.total));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  bits::fuzz::fuzz_input in(data, size);
  core::upload_progress const held = make_progress(in);
  std::uint8_t const limit_mode = in.u8();
  core::fragment_limits limits;
  if ((limit_mode & 1u) != 0) limits.max_upload = in.u64();
  if ((limit_mode & 2u) != 0) limits.max_fragment = in.u32();

  auto const range = core::parse_content_range(in.rest());
  if (!range) return 0;
  auto const plan = core::plan_fragment(held, *range, limits);
  auto const refusal = expected_refusal(held, *range, limits);
  if (!plan) {
    BITS_FUZZ_CHECK(refusal.has_value());
    BITS_FUZZ_CHECK(plan.error() == *refusal);
    return 0;
  }
  BITS_FUZZ_CHECK(!refusal.has_value());
  check_plan(held, *range, *plan);
  return 0;
}
