#include "core/error.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bits {
namespace {

constexpr int first_error = static_cast<int>(error::uploads_disabled);
constexpr int last_error = static_cast<int>(error::too_many_sessions);

TEST(BitsCategory, IsNamedBits) {
  EXPECT_STREQ(bits_category().name(), "bits");
}

TEST(BitsCategory, IsOneInstance) {
  EXPECT_EQ(&bits_category(), &bits_category());
}

TEST(BitsCategory, EveryEnumeratorHasItsOwnNonEmptyMessage) {
  std::set<std::string> seen;
  for (int v = first_error; v <= last_error; ++v) {
    std::string const text = make_error_code(static_cast<error>(v)).message();
    EXPECT_FALSE(text.empty()) << "enumerator " << v;
    EXPECT_EQ(text.find("unknown bits error"), std::string::npos)
        << "enumerator " << v << ": " << text;
    EXPECT_TRUE(seen.insert(text).second) << "duplicate message: " << text;
  }
}

TEST(BitsCategory, ValuesOutsideTheEnumSayUnknown) {
  EXPECT_EQ(bits_category().message(0), "unknown bits error 0");
  EXPECT_EQ(bits_category().message(last_error + 1),
            "unknown bits error " + std::to_string(last_error + 1));
}

TEST(BitsCategory, MessagesReadAsUserFacingText) {
  EXPECT_EQ(make_error_code(error::session_not_found).message(),
            "upload session not found (unknown, expired, closed or cancelled)");
  EXPECT_EQ(make_error_code(error::disk_full).message(), "the server is out of disk space");
}

TEST(BitsError, ConvertsImplicitlyToErrorCode) {
  boost::system::error_code const ec = error::invalid_path;
  EXPECT_EQ(&ec.category(), &bits_category());
  EXPECT_EQ(ec.value(), static_cast<int>(error::invalid_path));
  EXPECT_TRUE(ec == error::invalid_path);
  EXPECT_TRUE(ec.failed());
}

TEST(BitsError, ResultCarriesTheError) {
  result<int> const r = error::disk_full;
  ASSERT_TRUE(r.has_error());
  EXPECT_EQ(r.error(), make_error_code(error::disk_full));
}

}  // namespace
}  // namespace bits
