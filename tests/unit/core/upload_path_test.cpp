#include "core/upload_path.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

struct decoded_case {
  char const* name;
  std::string target;
  std::string expected;
};

class DecodeTargetPath : public ::testing::TestWithParam<decoded_case> {};

TEST_P(DecodeTargetPath, Decodes) {
  auto const path = decode_target_path(GetParam().target);
  ASSERT_TRUE(path.has_value()) << GetParam().target;
  EXPECT_EQ(*path, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecodeTargetPath,
    ::testing::Values(decoded_case{"Plain", "/up/report.bin", "/up/report.bin"},
                      decoded_case{"Root", "/", "/"},
                      decoded_case{"EncodedSpace", "/up/a%20b.bin", "/up/a b.bin"},
                      decoded_case{"QueryStripped", "/up/a%20b.bin?x=1", "/up/a b.bin"},
                      decoded_case{"QueryWithEscapesStripped", "/up/a?x=%2F%00", "/up/a"},
                      decoded_case{"FragmentStripped", "/up/a#frag", "/up/a"},
                      decoded_case{"LowerCaseHex", "/up/%e2%82%ac", "/up/\xE2\x82\xAC"},
                      decoded_case{"UpperCaseHex", "/up/%E2%82%AC", "/up/\xE2\x82\xAC"},
                      decoded_case{"LiteralUtf8", "/up/\xC3\xA9t\xC3\xA9", "/up/\xC3\xA9t\xC3\xA9"},
                      decoded_case{"EncodedPercent", "/up/100%25", "/up/100%"},
                      decoded_case{"PercentDecodedOnce", "/up/%252F", "/up/%2F"},
                      // Dots and double slashes survive decoding; split_below refuses them.
                      decoded_case{"EncodedDots", "/up/%2e%2e/x", "/up/../x"},
                      decoded_case{"DoubleSlashKept", "/up//a", "/up//a"},
                      decoded_case{"PlusIsNotSpace", "/up/a+b", "/up/a+b"},
                      decoded_case{"LongestPath", "/" + std::string(max_path_bytes - 1, 'a'),
                                   "/" + std::string(max_path_bytes - 1, 'a')}),
    [](auto const& p) { return std::string(p.param.name); });

struct refused_case {
  char const* name;
  std::string target;
};

class DecodeTargetPathRefuses : public ::testing::TestWithParam<refused_case> {};

TEST_P(DecodeTargetPathRefuses, AsInvalidPath) {
  auto const path = decode_target_path(GetParam().target);
  ASSERT_TRUE(path.has_error()) << GetParam().target;
  EXPECT_EQ(path.error(), make_error_code(error::invalid_path));
}

INSTANTIATE_TEST_SUITE_P(
    Table, DecodeTargetPathRefuses,
    ::testing::Values(
        refused_case{"Empty", ""}, refused_case{"OnlyQuery", "?x=1"},
        refused_case{"Relative", "up/a"}, refused_case{"AbsoluteForm", "http://host/up/a"},
        refused_case{"Asterisk", "*"}, refused_case{"EncodedSlash", "/up/a%2Fb"},
        refused_case{"EncodedSlashLower", "/up/a%2fb"},
        refused_case{"EncodedTraversal", "/up/..%2F..%2Fetc"},
        refused_case{"EncodedBackslash", "/up/a%5Cb"},
        refused_case{"EncodedBackslashLower", "/up/a%5cb"}, refused_case{"EncodedNul", "/up/a%00b"},
        refused_case{"EncodedNewline", "/up/a%0Ab"}, refused_case{"EncodedDel", "/up/a%7F"},
        refused_case{"LiteralBackslash", "/up/a\\b"},
        refused_case{"LiteralNul", std::string("/up/a\0b", 7)},
        refused_case{"LiteralTab", "/up/a\tb"}, refused_case{"LiteralCr", "/up/a\rb"},
        refused_case{"LiteralDel", "/up/a\x7F"}, refused_case{"BadHex", "/up/%G1"},
        refused_case{"BadSecondHex", "/up/%4G"}, refused_case{"TruncatedEscape", "/up/%4"},
        refused_case{"LonePercent", "/up/%"}, refused_case{"PercentBeforeQuery", "/up/%4?x"},
        refused_case{"SignedEscape", "/up/%+4"},
        refused_case{"TooLong", "/" + std::string(max_path_bytes, 'a')},
        refused_case{"TooLongAfterDecoding", "/" + std::string(max_path_bytes, 'a') + "%41"}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(DecodeTargetPath, LengthLimitAppliesToDecodedBytes) {
  // 3 bytes of escape per decoded byte: the raw target is long, the path is not.
  std::string target = "/";
  for (std::size_t i = 0; i < max_path_bytes - 1; ++i) target += "%41";
  auto const path = decode_target_path(target);
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->size(), max_path_bytes);
}

struct prefix_case {
  std::string_view path;
  std::string_view prefix;
  bool under;
};

class PathUnderPrefix : public ::testing::TestWithParam<prefix_case> {};

TEST_P(PathUnderPrefix, MatchesWholeSegments) {
  EXPECT_EQ(path_under_prefix(GetParam().path, GetParam().prefix), GetParam().under)
      << GetParam().path << " under " << GetParam().prefix;
}

INSTANTIATE_TEST_SUITE_P(
    Table, PathUnderPrefix,
    ::testing::Values(prefix_case{"/up/x", "/up/", true}, prefix_case{"/up/x", "/up", true},
                      prefix_case{"/up", "/up/", true}, prefix_case{"/up", "/up", true},
                      prefix_case{"/up/", "/up", true}, prefix_case{"/up/a/b", "/up", true},
                      prefix_case{"/upload", "/up", false}, prefix_case{"/upload", "/up/", false},
                      prefix_case{"/upload/x", "/up", false}, prefix_case{"/u", "/up", false},
                      prefix_case{"/UP/x", "/up", false}, prefix_case{"/other/up/x", "/up", false},
                      prefix_case{"/x", "/", true}, prefix_case{"/", "/", true},
                      prefix_case{"/a/b/c", "/", true}, prefix_case{"/a/b/c", "/a/b", true},
                      prefix_case{"/a/bc", "/a/b", false}));

TEST(SplitBelow, SplitsIntoSegments) {
  auto const segs = split_below("/up/dir/file.bin", "/up/");
  ASSERT_TRUE(segs.has_value());
  EXPECT_EQ(*segs, (std::vector<std::string>{"dir", "file.bin"}));
}

TEST(SplitBelow, WorksWithAndWithoutTrailingSlashInPrefix) {
  auto const a = split_below("/up/a", "/up");
  auto const b = split_below("/up/a", "/up/");
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*a, std::vector<std::string>{"a"});
  EXPECT_EQ(*b, std::vector<std::string>{"a"});
}

TEST(SplitBelow, RootPrefixKeepsEverySegment) {
  auto const segs = split_below("/a/b", "/");
  ASSERT_TRUE(segs.has_value());
  EXPECT_EQ(*segs, (std::vector<std::string>{"a", "b"}));
}

TEST(SplitBelow, PathEqualToPrefixNamesTheRoot) {
  for (auto const& [path, prefix] :
       {std::pair{"/up", "/up"}, std::pair{"/up", "/up/"}, std::pair{"/up/", "/up/"},
        std::pair{"/up/", "/up"}, std::pair{"/", "/"}}) {
    auto const segs = split_below(path, prefix);
    ASSERT_TRUE(segs.has_value()) << path << " below " << prefix;
    EXPECT_TRUE(segs->empty());
  }
}

TEST(SplitBelow, AcceptsLongestSegmentAndDotNames) {
  std::string const longest(max_segment_bytes, 'x');
  auto const segs = split_below("/up/" + longest + "/.hidden/a..b/...", "/up");
  ASSERT_TRUE(segs.has_value());
  EXPECT_EQ(*segs, (std::vector<std::string>{longest, ".hidden", "a..b", "..."}));
}

TEST(SplitBelow, ReservedPrefixOnlyAtTheStartOfASegment) {
  auto const segs = split_below("/up/my.bits-file/x.bits-", "/up");
  ASSERT_TRUE(segs.has_value());
  EXPECT_EQ(*segs, (std::vector<std::string>{"my.bits-file", "x.bits-"}));
}

struct split_refused {
  char const* name;
  std::string path;
  std::string_view prefix;
};

class SplitBelowRefuses : public ::testing::TestWithParam<split_refused> {};

TEST_P(SplitBelowRefuses, AsInvalidPath) {
  auto const segs = split_below(GetParam().path, GetParam().prefix);
  ASSERT_TRUE(segs.has_error()) << GetParam().path;
  EXPECT_EQ(segs.error(), make_error_code(error::invalid_path));
}

INSTANTIATE_TEST_SUITE_P(
    Table, SplitBelowRefuses,
    ::testing::Values(split_refused{"NotUnderPrefix", "/upload/a", "/up"},
                      split_refused{"OtherRoot", "/other/a", "/up/"},
                      split_refused{"Traversal", "/up/../etc/passwd", "/up"},
                      split_refused{"TraversalAtEnd", "/up/a/..", "/up"},
                      split_refused{"TraversalInside", "/up/a/../../b", "/up"},
                      split_refused{"DotSegment", "/up/./a", "/up"},
                      split_refused{"DotAtEnd", "/up/a/.", "/up"},
                      split_refused{"DoubleSlash", "/up//a", "/up"},
                      split_refused{"DoubleSlashInside", "/up/a//b", "/up"},
                      split_refused{"TrailingSlash", "/up/dir/", "/up"},
                      split_refused{"DoubleTrailingSlash", "/up//", "/up"},
                      split_refused{"ReservedPrefix", "/up/.bits-spool", "/up"},
                      split_refused{"ReservedPrefixUpperCase", "/up/.BITS-reply/x", "/up"},
                      split_refused{"ReservedPrefixMixedCase", "/up/dir/.Bits-x", "/up"},
                      split_refused{"ReservedPrefixExactly", "/up/.bits-", "/up"},
                      split_refused{"OverlongSegment",
                                    "/up/" + std::string(max_segment_bytes + 1, 'x'), "/up"},
                      split_refused{"Backslash", "/up/a\\..\\b", "/up"},
                      split_refused{"Nul", std::string("/up/a\0b", 7), "/up"},
                      split_refused{"ControlByte", "/up/a\nb", "/up"}),
    [](auto const& p) { return std::string(p.param.name); });

// The whole chain as the server runs it on a hostile target.
TEST(UploadPath, EncodedTraversalIsRefusedAfterDecoding) {
  auto const path = decode_target_path("/up/%2e%2e/%2E%2E/etc/passwd");
  ASSERT_TRUE(path.has_value());
  auto const segs = split_below(*path, "/up");
  ASSERT_TRUE(segs.has_error());
  EXPECT_EQ(segs.error(), make_error_code(error::invalid_path));
}

TEST(JoinSegments, JoinsWithSlash) {
  EXPECT_EQ(join_segments({}), "");
  EXPECT_EQ(join_segments({"a"}), "a");
  EXPECT_EQ(join_segments({"dir", "sub", "file.bin"}), "dir/sub/file.bin");
}

TEST(JoinSegments, RoundTripsWithSplitBelow) {
  auto const segs = split_below("/up/dir/sub/file.bin", "/up");
  ASSERT_TRUE(segs.has_value());
  EXPECT_EQ(join_segments(*segs), "dir/sub/file.bin");
}

}  // namespace
}  // namespace bits::core
