#include "auth/negotiate_error.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bits::auth {
namespace {

TEST(NegotiateCategory, EveryKindHasItsOwnMessageAndName) {
  EXPECT_STREQ(negotiate_category().name(), "bits.negotiate");
  std::set<std::string> messages;
  std::set<std::string> names;
  for (auto const e :
       {negotiate_errc::credentials_unavailable, negotiate_errc::invalid_options,
        negotiate_errc::bad_token, negotiate_errc::rejected, negotiate_errc::context_finished}) {
    boost::system::error_code const ec = e;
    EXPECT_EQ(&ec.category(), &negotiate_category());
    EXPECT_TRUE(messages.insert(ec.message()).second) << ec.message();
    EXPECT_TRUE(names.insert(to_string(e)).second) << to_string(e);
  }
  EXPECT_EQ(negotiate_category().message(99), "unknown negotiate error 99");
}

TEST(NegotiateFailure, DescribeNamesTheKind) {
  negotiate_failure const f{negotiate_errc::rejected, 0xd0000, 7, "Kerberos: Clock skew too great"};
  EXPECT_EQ(f.describe(), "rejected: Kerberos: Clock skew too great");
  EXPECT_EQ(f.ec(), negotiate_errc::rejected);
}

}  // namespace
}  // namespace bits::auth
