#include "auth/error.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bits::auth {
namespace {

TEST(AuthCategory, IsNamedBitsAuth) {
  EXPECT_STREQ(auth_category().name(), "bits.auth");
}

TEST(AuthCategory, EveryEnumeratorHasItsOwnMessage) {
  std::set<std::string> seen;
  for (auto const e : {auth_error::invalid_htpasswd, auth_error::htpasswd_too_large,
                       auth_error::not_a_regular_file}) {
    boost::system::error_code const ec = e;  // via is_error_code_enum
    EXPECT_EQ(&ec.category(), &auth_category());
    EXPECT_EQ(ec.message().find("unknown"), std::string::npos) << ec.message();
    EXPECT_TRUE(seen.insert(ec.message()).second) << ec.message();
  }
}

TEST(AuthCategory, ValueOutsideTheEnumSaysSo) {
  EXPECT_EQ(auth_category().message(99), "unknown auth error 99");
}

}  // namespace
}  // namespace bits::auth
