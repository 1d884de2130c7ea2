// Sequences of BITS packets through the real router and upload_service, over an
// in-memory store and a clock that moves only when told: sessions on a few paths,
// Fragments with arbitrary ranges and bodies streamed in pieces (finished, failed or cut
// off), Close, Cancel, Ping, arbitrary headers, time passing, maintenance, restarts and
// storage failures. service_checks.cpp holds the invariants.
#include "fuzz/service_harness.hpp"

#include <cstddef>
#include <cstdint>

namespace {

// Enough steps for a few sessions to upload, fail and recover; bounded so one input
// always runs in milliseconds.
constexpr int max_steps = 256;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  bits::fuzz::fuzz_input in(data, size);
  bits::fuzz::service_harness world(in);
  for (int i = 0; i < max_steps && world.step(); ++i) {
  }
  return 0;
}
