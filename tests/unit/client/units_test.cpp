// Durations and sizes on the command line; bytes, rates and ETAs in output.
#include "client/units.hpp"

#include <gtest/gtest.h>

namespace bits::client {
namespace {

using std::chrono::milliseconds;

TEST(Units, ParsesDurations) {
  EXPECT_EQ(parse_duration("30"), milliseconds(30'000));
  EXPECT_EQ(parse_duration("0.5"), milliseconds(500));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("90s"), milliseconds(90'000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_duration("2h"), milliseconds(7'200'000));
  EXPECT_EQ(parse_duration("1d"), milliseconds(86'400'000));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
  for (auto bad : {"", "s", "-1s", "5 m", "5x", "1e3", "m5", "99999999999999d"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(Units, ParsesSizes) {
  EXPECT_EQ(parse_size("5120"), 5120u);
  EXPECT_EQ(parse_size("64K"), 65536u);
  EXPECT_EQ(parse_size("64k"), 65536u);
  EXPECT_EQ(parse_size("13MiB"), 13u << 20);
  EXPECT_EQ(parse_size("1.5M"), 1572864u);
  EXPECT_EQ(parse_size("1G"), 1u << 30);
  for (auto bad : {"", "K", "-5", "1.3", "5T", "5 K"}) EXPECT_FALSE(parse_size(bad)) << bad;
}

TEST(Units, FormatsBytesRatesAndEtas) {
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1536), "1.50 KiB");
  EXPECT_EQ(format_bytes(12u << 20), "12.0 MiB");
  EXPECT_EQ(format_bytes(300u << 20), "300 MiB");
  EXPECT_EQ(format_bytes(1u << 30), "1.00 GiB");
  EXPECT_EQ(format_rate(1024.0 * 1024 * 120), "120 MiB/s");
  EXPECT_EQ(format_eta(7), "7s");
  EXPECT_EQ(format_eta(125), "2m05s");
  EXPECT_EQ(format_eta(3720), "1h02m");
  EXPECT_EQ(format_eta(-1), "--");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(milliseconds(90'000)), "1m30s");
}

}  // namespace
}  // namespace bits::client
