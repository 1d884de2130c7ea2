#include "core/wire_error.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

struct table_row {
  error e;
  unsigned status;
  std::optional<std::uint32_t> code;
  std::uint32_t context;
};

// The whole table, one row per enumerator, in declaration order (docs/protocol-notes.md).
constexpr table_row wire_table[] = {
    {error::uploads_disabled, 501, 0x80070005, 0x5},
    {error::length_required, 411, 0x80070057, 0x5},
    {error::header_too_long, 400, 0x80070057, 0x5},
    {error::missing_packet_type, 400, 0x80070057, 0x5},
    {error::unknown_packet_type, 400, 0x80070057, 0x5},
    {error::missing_session_id, 400, 0x80070057, 0x5},
    {error::malformed_session_id, 400, 0x80070057, 0x5},
    {error::missing_content_range, 400, 0x80070057, 0x5},
    {error::malformed_content_range, 400, 0x80070057, 0x5},
    {error::range_length_mismatch, 400, 0x80070057, 0x5},
    {error::unsupported_encoding, 400, 0x80070057, 0x5},
    {error::body_not_allowed, 400, 0x80070057, 0x5},
    {error::missing_protocols, 400, 0x80070057, 0x5},
    {error::no_common_protocol, 400, 0x80070057, 0x5},
    {error::invalid_path, 400, 0x80070057, 0x5},
    {error::session_not_found, 500, 0x8020001F, 0x5},
    {error::access_denied, 403, 0x80070005, 0x5},
    {error::destination_is_directory, 400, 0x80070057, 0x5},
    {error::destination_exists, 403, 0x80070005, 0x5},
    {error::forbidden_path, 403, 0x80070005, 0x5},
    {error::parent_not_found, 404, 0x80070003, 0x5},
    {error::total_length_changed, 400, 0x80070057, 0x5},
    {error::upload_too_large, 500, 0x80200020, 0x5},
    {error::fragment_too_large, 413, std::nullopt, 0x5},
    {error::range_not_contiguous, 416, 0x0, 0x5},
    {error::disk_full, 500, 0x80070070, 0x5},
    {error::storage_failure, 500, 0x80004005, 0x5},
    {error::session_busy, 503, 0x801901F7, 0x5},
    {error::too_many_sessions, 503, 0x801901F7, 0x5},
};

class WireTable : public ::testing::TestWithParam<table_row> {};

TEST_P(WireTable, MapsToStatusCodeAndContext) {
  auto const& row = GetParam();
  wire_error const w = to_wire(row.e);
  EXPECT_EQ(w.status, row.status);
  EXPECT_EQ(w.code, row.code);
  EXPECT_EQ(w.context, row.context);
}

INSTANTIATE_TEST_SUITE_P(EveryError, WireTable, ::testing::ValuesIn(wire_table), [](auto const& p) {
  return "Error" + std::to_string(static_cast<int>(p.param.e));
});

TEST(WireTable, ListsEveryEnumeratorOnceInOrder) {
  constexpr int last = static_cast<int>(error::too_many_sessions);
  ASSERT_EQ(std::size(wire_table), static_cast<std::size_t>(last));
  for (int v = 1; v <= last; ++v) {
    EXPECT_EQ(static_cast<int>(wire_table[v - 1].e), v);
  }
}

TEST(WireTable, ErrorsAreNeverSuccessStatuses) {
  for (auto const& row : wire_table) {
    EXPECT_GE(to_wire(row.e).status, 400u) << static_cast<int>(row.e);
  }
}

struct format_case {
  std::uint32_t code;
  std::string_view text;
};

class FormatHresult : public ::testing::TestWithParam<format_case> {};

TEST_P(FormatHresult, IsZeroXAndEightUpperCaseDigits) {
  EXPECT_EQ(format_hresult(GetParam().code), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormatHresult,
    ::testing::Values(format_case{0x0, "0x0"}, format_case{0x8020001F, "0x8020001F"},
                      format_case{0x80070057, "0x80070057"}, format_case{0x5, "0x00000005"},
                      format_case{0xABCDEF01, "0xABCDEF01"}, format_case{0xFFFFFFFF, "0xFFFFFFFF"},
                      format_case{0x00100000, "0x00100000"}));

TEST(FormatErrorContext, HasNoLeadingZeros) {
  EXPECT_EQ(format_error_context(0x5), "0x5");
  EXPECT_EQ(format_error_context(0x7), "0x7");
  EXPECT_EQ(format_error_context(0x0), "0x0");
  EXPECT_EQ(format_error_context(0x1A), "0x1A");
}

struct parse_case {
  std::string_view text;
  std::optional<std::uint32_t> expected;
};

class ParseHresult : public ::testing::TestWithParam<parse_case> {};

TEST_P(ParseHresult, AcceptsServerSpellingsOnly) {
  EXPECT_EQ(parse_hresult(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseHresult,
    ::testing::Values(parse_case{"0x8020001F", 0x8020001F}, parse_case{"0x8020001f", 0x8020001F},
                      parse_case{"0X8020001F", 0x8020001F}, parse_case{"x8020001F", 0x8020001F},
                      parse_case{"X8020001f", 0x8020001F}, parse_case{"8020001F", 0x8020001F},
                      parse_case{"0x0", 0x0}, parse_case{"0", 0x0}, parse_case{"1", 0x1},
                      parse_case{"0x5", 0x5}, parse_case{"0x00000005", 0x5},
                      parse_case{"0x000000000080070057", 0x80070057},
                      parse_case{"0xFFFFFFFF", 0xFFFFFFFF},
                      parse_case{"0x180070057", std::nullopt},  // 9 significant digits
                      parse_case{"123456789", std::nullopt}, parse_case{"", std::nullopt},
                      parse_case{"0x", std::nullopt}, parse_case{"x", std::nullopt},
                      parse_case{"-0x5", std::nullopt}, parse_case{"+5", std::nullopt},
                      parse_case{"0x-5", std::nullopt}, parse_case{"0xG", std::nullopt},
                      parse_case{" 0x5", std::nullopt}, parse_case{"0x5 ", std::nullopt},
                      parse_case{"0x0x5", std::nullopt}, parse_case{"5h", std::nullopt}));

TEST(ParseHresult, RoundTripsFormat) {
  for (std::uint32_t const code : {0x0u, 0x5u, 0x8020001Fu, 0x80070057u, 0xFFFFFFFFu}) {
    EXPECT_EQ(parse_hresult(format_hresult(code)), code);
  }
}

TEST(HresultName, NamesServerAndClientCodes) {
  EXPECT_EQ(hresult_name(0x8020001F), "BG_E_SESSION_NOT_FOUND");
  EXPECT_EQ(hresult_name(0x80200020), "BG_E_TOO_LARGE");
  EXPECT_EQ(hresult_name(0x80070057), "E_INVALIDARG");
  EXPECT_EQ(hresult_name(0x80070005), "E_ACCESSDENIED");
  EXPECT_EQ(hresult_name(0x80004005), "E_FAIL");
  EXPECT_EQ(hresult_name(0x80070070), "ERROR_DISK_FULL");
  EXPECT_EQ(hresult_name(0x80070003), "ERROR_PATH_NOT_FOUND");
  EXPECT_EQ(hresult_name(0x80200022), "BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH");
  EXPECT_EQ(hresult_name(0x8020001B), "BG_E_INVALID_SERVER_RESPONSE");
  EXPECT_EQ(hresult_name(0x8020001D), "BG_E_LOCAL_FILE_CHANGED");
  EXPECT_EQ(hresult_name(0x801901F7), "BG_E_HTTP_ERROR_503");
}

TEST(HresultName, EveryCodeInTheTableHasAName) {
  for (auto const& row : wire_table) {
    if (row.code) {
      EXPECT_FALSE(hresult_name(*row.code).empty()) << format_hresult(*row.code);
    }
  }
}

TEST(HresultName, UnknownIsEmpty) {
  EXPECT_TRUE(hresult_name(0x12345678).empty());
  EXPECT_TRUE(hresult_name(0x80190000 + 418).empty());
}

}  // namespace
}  // namespace bits::core
