#include "core/content_range.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

struct accepted {
  char const* name;
  std::string_view text;
  content_range expected;
};

class ContentRangeAccepts : public ::testing::TestWithParam<accepted> {};

TEST_P(ContentRangeAccepts, AsExpected) {
  auto const r = parse_content_range(GetParam().text);
  ASSERT_TRUE(r.has_value()) << GetParam().text << ": " << r.error().message();
  EXPECT_EQ(*r, GetParam().expected);
}

constexpr std::uint64_t max64 = UINT64_MAX;

INSTANTIATE_TEST_SUITE_P(
    Table, ContentRangeAccepts,
    ::testing::Values(accepted{"FirstFragment", "bytes 0-65535/100000", {0, 65536, 100000}},
                      accepted{"LastFragment", "bytes 65536-99999/100000", {65536, 34464, 100000}},
                      accepted{"OneByteFile", "bytes 0-0/1", {0, 1, 1}},
                      accepted{"SpecExample", "bytes 128-212/1000", {128, 85, 1000}},
                      accepted{"UnitUpperCase", "BYTES 0-9/10", {0, 10, 10}},
                      accepted{"UnitMixedCase", "Bytes 0-9/10", {0, 10, 10}},
                      accepted{"SeveralSpaces", "bytes   0-9/10", {0, 10, 10}},
                      accepted{"TabAfterUnit", "bytes\t0-9/10", {0, 10, 10}},
                      accepted{"LeadingAndTrailingSpace", "  bytes 0-9/10  ", {0, 10, 10}},
                      accepted{"LeadingZeros", "bytes 00-09/010", {0, 10, 10}},
                      accepted{"ZeroByteStar", "bytes */0", {0, 0, 0}},
                      accepted{"ZeroByteMinusOne", "bytes 0--1/0", {0, 0, 0}},
                      accepted{"ZeroByteStarUpperUnit", "BYTES */0", {0, 0, 0}},
                      accepted{
                          "MaxValues",
                          "bytes 18446744073709551613-18446744073709551614/18446744073709551615",
                          {max64 - 2, 2, max64}},
                      accepted{"TwentyDigits", "bytes 0-0/00000000000000000001", {0, 1, 1}}),
    [](auto const& p) { return std::string(p.param.name); });

struct rejected {
  char const* name;
  std::string_view text;
};

class ContentRangeRejects : public ::testing::TestWithParam<rejected> {};

TEST_P(ContentRangeRejects, AsMalformed) {
  auto const r = parse_content_range(GetParam().text);
  ASSERT_TRUE(r.has_error()) << GetParam().text;
  EXPECT_EQ(r.error(), make_error_code(error::malformed_content_range));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ContentRangeRejects,
    ::testing::Values(
        rejected{"Empty", ""}, rejected{"OnlySpaces", "   "}, rejected{"OnlyUnit", "bytes"},
        rejected{"UnitAndSpace", "bytes "}, rejected{"NoUnit", "0-99/1000"},
        rejected{"NoSpaceAfterUnit", "bytes0-99/1000"}, rejected{"OtherUnit", "items 0-99/1000"},
        rejected{"UnitPrefixOnly", "byte 0-99/1000"}, rejected{"UnitWithEquals", "bytes=0-99/1000"},
        rejected{"Reversed", "bytes 100-99/1000"}, rejected{"LastAtTotal", "bytes 0-1000/1000"},
        rejected{"LastBeyondTotal", "bytes 0-1001/1000"}, rejected{"ZeroOfZero", "bytes 0-0/0"},
        rejected{"MissingSlash", "bytes 0-99"}, rejected{"MissingTotal", "bytes 0-99/"},
        rejected{"MissingLast", "bytes 0-/1000"}, rejected{"MissingFirst", "bytes -99/1000"},
        rejected{"MissingDash", "bytes 099/1000"}, rejected{"StarTotal", "bytes 0-99/*"},
        rejected{"StarRangeNonZeroTotal", "bytes */10"}, rejected{"StarStar", "bytes */*"},
        rejected{"StarNoTotal", "bytes */"}, rejected{"MinusOneNonZeroTotal", "bytes 0--1/10"},
        rejected{"MinusOneNonZeroFirst", "bytes 5--1/0"}, rejected{"MinusTwo", "bytes 0--2/0"},
        rejected{"NegativeFirst", "bytes -1-99/1000"}, rejected{"PlusFirst", "bytes +0-99/1000"},
        rejected{"PlusLast", "bytes 0-+99/1000"}, rejected{"PlusTotal", "bytes 0-99/+1000"},
        rejected{"NegativeTotal", "bytes 0-99/-1000"},
        rejected{"Overflow", "bytes 0-99/18446744073709551616"},
        rejected{"OverflowFirst", "bytes 18446744073709551616-18446744073709551617/1"},
        rejected{"TwentyOneDigits", "bytes 0-0/000000000000000000001"},
        rejected{"SpaceBeforeDash", "bytes 0 -99/1000"},
        rejected{"SpaceAfterDash", "bytes 0- 99/1000"},
        rejected{"SpaceBeforeSlash", "bytes 0-99 /1000"},
        rejected{"SpaceAfterSlash", "bytes 0-99/ 1000"}, rejected{"HexDigits", "bytes 0x0-99/1000"},
        rejected{"DecimalPoint", "bytes 0-99.0/1000"},
        rejected{"TrailingGarbage", "bytes 0-99/1000x"},
        rejected{"TwoRanges", "bytes 0-9/10,0-9/10"},
        rejected{"Nul", std::string_view("bytes 0-9/10\0", 13)}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(ContentRange, FormatsRangeAsBytesFirstLastTotal) {
  EXPECT_EQ(format_content_range({0, 65536, 100000}), "bytes 0-65535/100000");
  EXPECT_EQ(format_content_range({65536, 34464, 100000}), "bytes 65536-99999/100000");
  EXPECT_EQ(format_content_range({max64 - 1, 1, max64}),
            "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
}

TEST(ContentRange, FormatsZeroByteRangeAsStar) {
  EXPECT_EQ(format_content_range({0, 0, 0}), "bytes */0");
}

TEST(ContentRange, FormatThenParseRoundTrips) {
  for (content_range const r : {content_range{0, 1, 1}, content_range{5, 10, 100},
                                content_range{0, 0, 0}, content_range{max64 - 3, 3, max64}}) {
    auto const parsed = parse_content_range(format_content_range(r));
    ASSERT_TRUE(parsed.has_value()) << format_content_range(r);
    EXPECT_EQ(*parsed, r);
  }
}

TEST(ContentRange, EndIsOnePastTheLastByte) {
  EXPECT_EQ((content_range{10, 5, 100}).end(), 15u);
}

struct decimal_case {
  std::string_view text;
  std::optional<std::uint64_t> expected;
};

class DecimalU64 : public ::testing::TestWithParam<decimal_case> {};

TEST_P(DecimalU64, ParsesOrRejects) {
  EXPECT_EQ(parse_decimal_u64(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecimalU64,
    ::testing::Values(decimal_case{"0", 0}, decimal_case{"7", 7}, decimal_case{"0042", 42},
                      decimal_case{"18446744073709551615", max64},
                      decimal_case{"18446744073709551616", std::nullopt},
                      decimal_case{"99999999999999999999", std::nullopt},
                      decimal_case{"", std::nullopt}, decimal_case{"+1", std::nullopt},
                      decimal_case{"-1", std::nullopt}, decimal_case{" 1", std::nullopt},
                      decimal_case{"1 ", std::nullopt}, decimal_case{"1a", std::nullopt},
                      decimal_case{"0x10", std::nullopt}, decimal_case{"1.0", std::nullopt}));

}  // namespace
}  // namespace bits::core
