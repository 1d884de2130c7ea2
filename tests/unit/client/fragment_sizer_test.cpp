// Fragment sizing: fixed sizes, adaptive growth and shrinking, the 413 rule.
#include "client/fragment_sizer.hpp"

#include <gtest/gtest.h>

namespace bits::client {
namespace {

using std::chrono::milliseconds;

TEST(FragmentSizer, AdaptiveStartsAt64KibAndDoublesOnFastAcksUpTo13Mib) {
  fragment_sizer s;
  EXPECT_TRUE(s.adaptive());
  EXPECT_EQ(s.next(), 64u * 1024);
  for (int i = 0; i < 20; ++i) s.on_acknowledged(s.next(), milliseconds(10));
  EXPECT_EQ(s.next(), 13u * 1024 * 1024);
}

TEST(FragmentSizer, AdaptiveHalvesOnSlowAcksButStaysAbove64Kib) {
  fragment_sizer s;
  for (int i = 0; i < 5; ++i) s.on_acknowledged(s.next(), milliseconds(10));
  EXPECT_EQ(s.next(), 2u * 1024 * 1024);
  s.on_acknowledged(s.next(), milliseconds(5000));
  EXPECT_EQ(s.next(), 1024u * 1024);
  for (int i = 0; i < 10; ++i) s.on_acknowledged(s.next(), milliseconds(9000));
  EXPECT_EQ(s.next(), 64u * 1024);
}

TEST(FragmentSizer, AdaptiveKeepsSizeInTheTargetBand) {
  fragment_sizer s;
  s.on_acknowledged(s.next(), milliseconds(800));
  EXPECT_EQ(s.next(), 64u * 1024);
}

TEST(FragmentSizer, ShortLastFragmentDoesNotSteer) {
  fragment_sizer s;
  s.on_acknowledged(100, milliseconds(1));
  EXPECT_EQ(s.next(), 64u * 1024);
}

TEST(FragmentSizer, FixedSizeNeverAdapts) {
  fragment_sizer s(1 << 20);
  EXPECT_FALSE(s.adaptive());
  s.on_acknowledged(1 << 20, milliseconds(1));
  s.on_acknowledged(1 << 20, milliseconds(100'000));
  EXPECT_EQ(s.next(), 1u << 20);
}

TEST(FragmentSizer, FixedSizeBelowMinimumIsRaised) {
  EXPECT_EQ(fragment_sizer(100).next(), 5120u);
}

TEST(FragmentSizer, TooLargeHalvesCapsAndStopsAtFiveKib) {
  fragment_sizer s;
  for (int i = 0; i < 4; ++i) s.on_acknowledged(s.next(), milliseconds(1));
  ASSERT_EQ(s.next(), 1024u * 1024);
  EXPECT_TRUE(s.on_too_large(1024 * 1024));
  EXPECT_EQ(s.next(), 512u * 1024);
  for (int i = 0; i < 5; ++i) s.on_acknowledged(s.next(), milliseconds(1));
  EXPECT_EQ(s.next(), 512u * 1024) << "never grows past a size the server refused";
  std::uint64_t size = s.next();
  while (s.on_too_large(size)) size = s.next();
  EXPECT_EQ(size, 5120u);
  EXPECT_FALSE(s.on_too_large(5120));
}

TEST(FragmentSizer, TooLargeOnAShortFragmentHalvesThatFragment) {
  fragment_sizer s(1 << 20);
  EXPECT_TRUE(s.on_too_large(40'000));
  EXPECT_EQ(s.next(), 20'000u);
}

}  // namespace
}  // namespace bits::client
