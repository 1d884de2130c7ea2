#include "core/number_text.hpp"  // first: proves the header is self-contained

#include "core/checksum.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::core {
namespace {

constexpr std::uint64_t max64 = UINT64_MAX;

struct hex_case_row {
  std::string_view text;
  std::optional<std::uint64_t> expected;
};

class HexU64 : public ::testing::TestWithParam<hex_case_row> {};

TEST_P(HexU64, ParsesOrRejects) {
  EXPECT_EQ(parse_hex_u64(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, HexU64,
    ::testing::Values(hex_case_row{"0", 0}, hex_case_row{"f", 15}, hex_case_row{"F", 15},
                      hex_case_row{"8020001f", 0x8020001FU}, hex_case_row{"0000000000000000001", 1},
                      hex_case_row{"FFFFFFFFFFFFFFFF", max64},
                      hex_case_row{"10000000000000000", std::nullopt},
                      hex_case_row{"", std::nullopt}, hex_case_row{"0x1", std::nullopt},
                      hex_case_row{"-1", std::nullopt}, hex_case_row{"1g", std::nullopt},
                      hex_case_row{" 1", std::nullopt}));

TEST(NumberText, SignedDecimalsFitInt64) {
  EXPECT_EQ(parse_decimal_i64("0"), 0);
  EXPECT_EQ(parse_decimal_i64("-17"), -17);
  EXPECT_EQ(parse_decimal_i64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_decimal_i64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_decimal_i64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_decimal_i64("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_decimal_i64("-"), std::nullopt);
  EXPECT_EQ(parse_decimal_i64("+1"), std::nullopt);
  EXPECT_EQ(parse_decimal_i64("--1"), std::nullopt);
}

TEST(NumberText, HexBytesNeedPairsOfDigits) {
  EXPECT_EQ(parse_hex_bytes(""), std::vector<std::uint8_t>{});
  EXPECT_EQ(parse_hex_bytes("00fFa5"), (std::vector<std::uint8_t>{0x00, 0xFF, 0xA5}));
  EXPECT_EQ(parse_hex_bytes("abc"), std::nullopt);
  EXPECT_EQ(parse_hex_bytes("0g"), std::nullopt);
}

TEST(NumberText, HexValueOfEveryDigitAndNothingElse) {
  EXPECT_EQ(hex_value('0'), 0);
  EXPECT_EQ(hex_value('9'), 9);
  EXPECT_EQ(hex_value('a'), 10);
  EXPECT_EQ(hex_value('F'), 15);
  for (char const c : std::string_view("gG/:@`x -")) EXPECT_EQ(hex_value(c), -1) << c;
  EXPECT_TRUE(is_upper_hex_digit('A'));
  EXPECT_FALSE(is_upper_hex_digit('a'));
}

TEST(NumberText, FormatsFixedWidthHexInEitherCase) {
  EXPECT_EQ(format_hex_fixed(0, 4), "0000");
  EXPECT_EQ(format_hex_fixed(0xABCU, 4), "0ABC");
  EXPECT_EQ(format_hex_fixed(0xABCU, 4, hex_case::lower), "0abc");
  EXPECT_EQ(format_hex_fixed(max64, 16), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(format_hex_fixed(0x12345U, 2), "45") << "higher digits are cut";
  std::array<std::uint8_t, 3> const bytes = {0x00, 0x7F, 0xFE};
  EXPECT_EQ(format_hex_bytes(bytes), "007FFE");
  EXPECT_EQ(format_hex_bytes(bytes, hex_case::lower), "007ffe");
}

TEST(NumberText, PercentEncodeEscapesWhatIsNotKept) {
  auto const keep_letters = [](char c) { return c >= 'a' && c <= 'z'; };
  EXPECT_EQ(percent_encode("ab c%\xFF", keep_letters), "ab%20c%25%FF");
  EXPECT_EQ(percent_encode("", keep_letters), "");
}

TEST(NumberText, PercentDecodeNeedsTwoHexDigits) {
  EXPECT_EQ(percent_decode("a%20b%2f%7E"), "a b/~");
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("%4"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_escape_at("x%41", 1), 'A');
  EXPECT_EQ(percent_escape_at("x%41", 0), std::nullopt) << "not at a '%'";
}

TEST(NumberText, PercentEncodingRoundTrips) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  auto const encoded = percent_encode(all, [](char c) { return c != '%' && c > ' ' && c < 127; });
  EXPECT_EQ(percent_decode(encoded), all);
}

TEST(Checksum, Fnv1aMatchesThePublishedVectors) {
  EXPECT_EQ(fnv1a_64(""), 0xCBF29CE484222325ULL);
  EXPECT_EQ(fnv1a_64("a"), 0xAF63DC4C8601EC8CULL);
  EXPECT_EQ(fnv1a_64("foobar"), 0x85944171F73967E8ULL);
  EXPECT_EQ(fnv1a_32({}), 0x811C9DC5U);
  std::array<std::byte, 6> const foobar = {std::byte{'f'}, std::byte{'o'}, std::byte{'o'},
                                           std::byte{'b'}, std::byte{'a'}, std::byte{'r'}};
  EXPECT_EQ(fnv1a_32(foobar), 0xBF9CF968U);
}

}  // namespace
}  // namespace bits::core
