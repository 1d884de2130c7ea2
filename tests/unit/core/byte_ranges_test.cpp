#include "core/byte_ranges.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

using kind = range_request::kind;

struct range_case {
  char const* name;
  std::string_view header;
  std::uint64_t size;
  kind what;
  std::vector<byte_range> ranges;
};

class RangeHeader : public ::testing::TestWithParam<range_case> {};

TEST_P(RangeHeader, Interpreted) {
  auto const& c = GetParam();
  auto const r = parse_range(c.header, c.size);
  EXPECT_EQ(r.what, c.what) << c.header;
  EXPECT_EQ(r.ranges, c.ranges) << c.header;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RangeHeader,
    ::testing::Values(
        range_case{"Closed", "bytes=0-99", 1000, kind::partial, {{0, 100}}},
        range_case{"Open", "bytes=900-", 1000, kind::partial, {{900, 100}}},
        range_case{"Suffix", "bytes=-10", 1000, kind::partial, {{990, 10}}},
        range_case{"SuffixLongerThanFile", "bytes=-5000", 1000, kind::partial, {{0, 1000}}},
        range_case{"LastClipped", "bytes=990-5000", 1000, kind::partial, {{990, 10}}},
        range_case{"SeveralInRequestOrder",
                   "bytes=500-599, 0-9,-1",
                   1000,
                   kind::partial,
                   {{500, 100}, {0, 10}, {999, 1}}},
        range_case{"UnitCaseInsensitive", "Bytes=0-0", 10, kind::partial, {{0, 1}}},
        range_case{"EmptyListElements", "bytes=0-0,,2-2", 10, kind::partial, {{0, 1}, {2, 1}}},
        range_case{"StartAtEnd", "bytes=1000-", 1000, kind::unsatisfiable, {}},
        range_case{"StartPastEnd", "bytes=2000-3000", 1000, kind::unsatisfiable, {}},
        range_case{"SuffixZero", "bytes=-0", 1000, kind::unsatisfiable, {}},
        range_case{"EmptyFile", "bytes=0-", 0, kind::unsatisfiable, {}},
        range_case{"OneSatisfiableOfTwo", "bytes=5000-,0-0", 1000, kind::partial, {{0, 1}}},
        range_case{"OtherUnitIgnored", "items=0-1", 1000, kind::whole, {}},
        range_case{"ReversedIgnored", "bytes=9-1", 1000, kind::whole, {}},
        range_case{"GarbageIgnored", "bytes=a-b", 1000, kind::whole, {}},
        range_case{"NoDashIgnored", "bytes=5", 1000, kind::whole, {}},
        range_case{"SignIgnored", "bytes=+1-2", 1000, kind::whole, {}},
        range_case{"OverflowIgnored", "bytes=0-99999999999999999999", 1000, kind::whole, {}},
        range_case{"EmptyIgnored", "", 1000, kind::whole, {}},
        range_case{"NoRangeListedIgnored", "bytes=", 1000, kind::whole, {}},
        range_case{"OnlyCommasIgnored", "bytes=,,", 1000, kind::whole, {}}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(RangeHeader, TooManyRangesAreIgnored) {
  std::string h = "bytes=";
  for (std::size_t i = 0; i <= max_ranges; ++i)
    h += std::to_string(i) + "-" + std::to_string(i) + ",";
  EXPECT_EQ(parse_range(h, 10000).what, kind::whole);
}

TEST(RangeHeader, OverlappingAndAdjacentRangesAreMerged) {
  // The same bytes asked for again and again would multiply what one request costs.
  EXPECT_EQ(parse_range("bytes=0-999,0-999", 1000).ranges, (std::vector<byte_range>{{0, 1000}}));
  EXPECT_EQ(parse_range("bytes=0-,-1000,0-0", 1000).ranges, (std::vector<byte_range>{{0, 1000}}));
  // Merged where the first of them was asked for; disjoint ones keep request order.
  EXPECT_EQ(parse_range("bytes=500-599,0-9,550-649", 1000).ranges,
            (std::vector<byte_range>{{500, 150}, {0, 10}}));
  EXPECT_EQ(parse_range("bytes=10-19,0-9,20-29", 1000).ranges, (std::vector<byte_range>{{0, 30}}));
  // One range bridging two earlier ones joins all three.
  EXPECT_EQ(parse_range("bytes=0-9,30-39,90-99,5-34", 1000).ranges,
            (std::vector<byte_range>{{0, 40}, {90, 10}}));
  // A gap of one byte keeps them apart.
  EXPECT_EQ(parse_range("bytes=0-9,11-19", 1000).ranges,
            (std::vector<byte_range>{{0, 10}, {11, 9}}));
}

TEST(RangeHeader, SixtyFourOverlappingWholeFileRangesCostOneFile) {
  std::string h = "bytes=";
  for (std::size_t i = 0; i < max_ranges; ++i) h += "0-,";
  auto const r = parse_range(h, 1000);
  EXPECT_EQ(r.what, kind::partial);
  EXPECT_EQ(r.ranges, (std::vector<byte_range>{{0, 1000}}));
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, KeepsFourDigitYearsAndClampsOutsideThem) {
  EXPECT_EQ(format_http_date(earliest_http_date), "Wed, 01 Jan 1000 00:00:00 GMT");
  EXPECT_EQ(parse_http_date("Wed, 01 Jan 1000 00:00:00 GMT"), earliest_http_date);
  EXPECT_EQ(format_http_date(-59926608000), "Wed, 01 Jan 1000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(-70000000000), "Wed, 01 Jan 1000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(300000000000), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"), latest_http_date);
}

TEST(HttpDate, RefusesYearsBeforeOneThousand) {
  EXPECT_FALSE(parse_http_date("Thu, 01 Jan 0071 00:00:00 GMT"));
  EXPECT_FALSE(parse_http_date("Sat, 01 Jan 0000 00:00:00 GMT"));
  EXPECT_FALSE(parse_http_date("Tue, 31 Dec 0999 23:59:59 GMT"));
}

TEST(HttpDate, ParsesWhatItFormats) {
  for (std::int64_t t : {0LL, 784111777LL, 1795000000LL}) {
    EXPECT_EQ(parse_http_date(format_http_date(t)), t);
  }
}

TEST(HttpDate, RejectsOtherForms) {
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(parse_http_date(""));
}

TEST(Etag, IsStrongAndChangesWithTheFile) {
  auto const a = make_etag(1, 100, 5);
  EXPECT_EQ(a.front(), '"');
  EXPECT_EQ(a.back(), '"');
  EXPECT_NE(a, make_etag(2, 100, 5));
  EXPECT_NE(a, make_etag(1, 101, 5));
  EXPECT_NE(a, make_etag(1, 100, 6));
}

TEST(Etag, IfNoneMatchLists) {
  auto const e = make_etag(1, 2, 3);
  EXPECT_TRUE(etag_list_matches("*", e));
  EXPECT_TRUE(etag_list_matches(e, e));
  EXPECT_TRUE(etag_list_matches("\"x\", " + e, e));
  EXPECT_TRUE(etag_list_matches("W/" + e, e));
  EXPECT_FALSE(etag_list_matches("\"x\", \"y\"", e));
  EXPECT_FALSE(etag_list_matches("", e));
}

}  // namespace
}  // namespace bits::core
