#include "core/session_id.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace bits::core {
namespace {

constexpr session_id::bytes_type sample_bytes = {0x3F, 0x2B, 0x8C, 0x10, 0x6A, 0x7E, 0x4C, 0x55,
                                                 0x9D, 0x11, 0x0B, 0x8E, 0x2A, 0x7C, 0x4D, 0x90};
constexpr std::string_view sample_text = "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}";
constexpr std::string_view sample_hex = "3F2B8C106A7E4C559D110B8E2A7C4D90";

TEST(SessionId, DefaultIsAllZero) {
  EXPECT_EQ(session_id().to_string(), "{00000000-0000-0000-0000-000000000000}");
}

TEST(SessionId, ToStringIsUpperCaseBraceGuid) {
  EXPECT_EQ(session_id(sample_bytes).to_string(), sample_text);
}

TEST(SessionId, ToHexIs32UpperCaseDigits) {
  EXPECT_EQ(session_id(sample_bytes).to_hex(), sample_hex);
}

TEST(SessionId, ShortFormIsFirstEightDigits) {
  EXPECT_EQ(session_id(sample_bytes).short_form(), "3F2B8C10");
}

TEST(SessionId, ParsesWireForm) {
  auto const id = parse_session_id(sample_text);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->bytes(), sample_bytes);
}

TEST(SessionId, ParsesLowerAndMixedCase) {
  auto const lower = parse_session_id("{3f2b8c10-6a7e-4c55-9d11-0b8e2a7c4d90}");
  auto const mixed = parse_session_id("{3f2B8c10-6A7e-4C55-9d11-0b8E2a7C4d90}");
  ASSERT_TRUE(lower.has_value());
  ASSERT_TRUE(mixed.has_value());
  EXPECT_EQ(*lower, session_id(sample_bytes));
  EXPECT_EQ(*mixed, session_id(sample_bytes));
}

TEST(SessionId, RoundTripsEveryByteValue) {
  for (int start = 0; start < 256; start += 16) {
    session_id::bytes_type b{};
    for (std::size_t i = 0; i < b.size(); ++i)
      b[i] = static_cast<std::uint8_t>(start + static_cast<int>(i));
    session_id const id(b);
    auto const wire = parse_session_id(id.to_string());
    auto const spool = parse_session_hex(id.to_hex());
    ASSERT_TRUE(wire.has_value());
    ASSERT_TRUE(spool.has_value());
    EXPECT_EQ(*wire, id);
    EXPECT_EQ(*spool, id);
  }
}

struct malformed {
  char const* name;
  std::string_view text;
};

class SessionIdRejects : public ::testing::TestWithParam<malformed> {};

TEST_P(SessionIdRejects, AsMalformed) {
  auto const r = parse_session_id(GetParam().text);
  ASSERT_TRUE(r.has_error()) << GetParam().text;
  EXPECT_EQ(r.error(), make_error_code(error::malformed_session_id));
}

INSTANTIATE_TEST_SUITE_P(
    Table, SessionIdRejects,
    ::testing::Values(malformed{"Empty", ""}, malformed{"Braces", "{}"},
                      malformed{"NoBraces", "3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90"},
                      malformed{"NoOpeningBrace", "3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}"},
                      malformed{"NoClosingBrace", "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90"},
                      malformed{"Parentheses", "(3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90)"},
                      malformed{"NoDashes", "{3F2B8C106A7E4C559D110B8E2A7C4D90}"},
                      malformed{"DashMoved", "{3F2B8C1-06A7E-4C55-9D11-0B8E2A7C4D90}"},
                      malformed{"GroupsSwapped", "{3F2B8C10-6A7E-4C55-0B8E2A7C4D90-9D11}"},
                      malformed{"ShortLastGroup", "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D9}"},
                      malformed{"LongLastGroup", "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D900}"},
                      malformed{"NonHex", "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4DG0}"},
                      malformed{"Spaces", " {3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}"},
                      malformed{"TrailingSpace", "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90} "},
                      malformed{"PlusInsideGroup", "{+F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}"},
                      malformed{"Decimal", "1234567890"},
                      malformed{"Nul",
                                std::string_view("{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D9\0}", 38)}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(SessionIdHex, ParsesSpoolFormEitherCase) {
  auto const upper = parse_session_hex(sample_hex);
  auto const lower = parse_session_hex("3f2b8c106a7e4c559d110b8e2a7c4d90");
  ASSERT_TRUE(upper.has_value());
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(*upper, session_id(sample_bytes));
  EXPECT_EQ(*lower, session_id(sample_bytes));
}

TEST(SessionIdHex, RejectsOtherShapes) {
  for (std::string_view const text :
       {std::string_view(""), std::string_view("3F2B8C106A7E4C559D110B8E2A7C4D9"),
        std::string_view("3F2B8C106A7E4C559D110B8E2A7C4D900"), sample_text,
        std::string_view("3F2B8C106A7E4C559D110B8E2A7C4DX0"),
        std::string_view("3F2B8C10-6A7E4C559D110B8E2A7C4D9")}) {
    auto const r = parse_session_hex(text);
    ASSERT_TRUE(r.has_error()) << text;
    EXPECT_EQ(r.error(), make_error_code(error::malformed_session_id));
  }
}

TEST(SessionId, OrdersAndComparesByBytes) {
  session_id::bytes_type low{};
  session_id::bytes_type high{};
  high[0] = 1;
  EXPECT_LT(session_id(low), session_id(high));
  EXPECT_NE(session_id(low), session_id(high));
  EXPECT_EQ(session_id(high), session_id(high));
}

TEST(SessionIdHash, UsesTheLeadingBytes) {
  session_id_hash const h;
  session_id::bytes_type a{};
  session_id::bytes_type b{};
  b[7] = 1;
  EXPECT_NE(h(session_id(a)), h(session_id(b)));
  EXPECT_EQ(h(session_id(sample_bytes)), h(session_id(sample_bytes)));
  std::unordered_set<session_id, session_id_hash> set{session_id(a), session_id(b)};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.count(session_id(b)), 1u);
}

}  // namespace
}  // namespace bits::core
