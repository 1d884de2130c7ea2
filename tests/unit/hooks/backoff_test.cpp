// Backoff: doubles per failure, stays within [step/2, step], stops at the cap.
#include "hooks/backoff.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace bits::hooks {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesWithJitterInTheUpperHalfAndStopsAtTheCap) {
  backoff_policy const p{milliseconds{100}, milliseconds{1000}};
  std::mt19937_64 random(42);
  for (std::uint64_t failures = 1; failures <= 40; ++failures) {
    std::int64_t const step =
        std::min<std::int64_t>(1000, 100LL << std::min<std::uint64_t>(failures - 1, 20));
    for (int i = 0; i < 200; ++i) {
      auto const d = backoff_delay(p, failures, random()).count();
      EXPECT_GE(d, step / 2) << failures;
      EXPECT_LE(d, step) << failures;
    }
  }
  EXPECT_EQ(backoff_delay(p, 1, 0).count(), 50);
  EXPECT_EQ(backoff_delay(p, 100, ~0ULL - (~0ULL % 501)).count(), 500);
}

TEST(Backoff, JitterSpreadsEventsThatFailedTogether) {
  backoff_policy const p{milliseconds{1000}, milliseconds{60000}};
  std::mt19937_64 random(1);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(backoff_delay(p, 3, random()).count());
  EXPECT_GT(seen.size(), 50U);
}

TEST(Backoff, DegenerateSettingsStillWait) {
  EXPECT_GE(backoff_delay({milliseconds{0}, milliseconds{0}}, 1, 12345).count(), 0);
  EXPECT_LE(backoff_delay({milliseconds{0}, milliseconds{0}}, 1, 12345).count(), 1);
  EXPECT_EQ(backoff_delay({milliseconds{500}, milliseconds{100}}, 9, 0).count(), 250);
}

}  // namespace
}  // namespace bits::hooks
