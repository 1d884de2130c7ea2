// Principal names and the allow list, with the case rules of Windows.
#include "auth/principal.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bits::auth {
namespace {

principal_allow_list parse_clean(std::vector<std::string> const& rules) {
  std::vector<std::string> problems;
  auto list = principal_allow_list::parse(rules, problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  return list;
}

TEST(Principal, SplitsKerberosAndNtlmNames) {
  auto const k = split_principal("alice@EXAMPLE.TEST");
  EXPECT_EQ(k.user, "alice");
  EXPECT_EQ(k.realm, "EXAMPLE.TEST");
  auto const m = split_principal("WS01$@EXAMPLE.TEST");
  EXPECT_EQ(m.user, "WS01$");
  auto const n = split_principal("TESTDOM\\bob");
  EXPECT_EQ(n.user, "bob");
  EXPECT_EQ(n.realm, "TESTDOM");
  auto const escaped = split_principal("a\\@b@EXAMPLE.TEST");  // '@' escaped in the user part
  EXPECT_EQ(escaped.user, "a\\@b");
  EXPECT_EQ(escaped.realm, "EXAMPLE.TEST");
  auto const bare = split_principal("carol");
  EXPECT_EQ(bare.user, "carol");
  EXPECT_EQ(bare.realm, "");
}

TEST(Principal, IdentityGivesFullOrBareName) {
  negotiate_identity who{"alice@EXAMPLE.TEST", "alice", "EXAMPLE.TEST",
                         negotiate_mechanism::kerberos};
  EXPECT_EQ(who.principal(principal_format::full), "alice@EXAMPLE.TEST");
  EXPECT_EQ(who.principal(principal_format::user), "alice");
}

TEST(AllowList, ExactPrincipalIgnoresAsciiCase) {
  auto const list = parse_clean({"alice@EXAMPLE.TEST", "TESTDOM\\bob"});
  EXPECT_TRUE(list.allows("alice@EXAMPLE.TEST"));
  EXPECT_TRUE(list.allows("Alice@example.test"));  // AD keeps the case typed at logon
  EXPECT_TRUE(list.allows("TESTDOM\\bob"));
  EXPECT_TRUE(list.allows("testdom\\BOB"));
  EXPECT_TRUE(list.allows("bob@TESTDOM"));  // the other spelling of the same account
  EXPECT_FALSE(list.allows("alice@OTHER.TEST"));
  EXPECT_FALSE(list.allows("alicex@EXAMPLE.TEST"));
  EXPECT_FALSE(list.allows("mallory@EXAMPLE.TEST"));
  EXPECT_FALSE(list.allows(""));
}

TEST(AllowList, NonAsciiMustMatchExactly) {
  auto const list = parse_clean({"\xc3\xa9lise@EXAMPLE.TEST"});  // élise
  EXPECT_TRUE(list.allows("\xc3\xa9lise@EXAMPLE.TEST"));
  EXPECT_FALSE(list.allows("\xc3\x89lise@EXAMPLE.TEST"));  // Élise: not folded
}

TEST(AllowList, WholeRealmAndMachineAccounts) {
  auto const list = parse_clean({"*@EXAMPLE.TEST", "*$@CORP.TEST", "TESTDOM\\*"});
  EXPECT_TRUE(list.allows("anyone@example.test"));
  EXPECT_TRUE(list.allows("WS01$@CORP.TEST"));
  EXPECT_FALSE(list.allows("alice@CORP.TEST"));  // a user, not a machine
  EXPECT_FALSE(list.allows("$@CORP.TEST"));
  EXPECT_TRUE(list.allows("TESTDOM\\carol"));
  EXPECT_FALSE(list.allows("OTHERDOM\\carol"));
  EXPECT_FALSE(list.allows("carol"));  // no realm: not of any listed realm
}

TEST(AllowList, StarAllowsEveryoneAndRealmlessRuleAnyRealm) {
  EXPECT_TRUE(parse_clean({"*"}).allows("x@Y"));
  auto const list = parse_clean({"alice"});
  EXPECT_TRUE(list.allows("alice@EXAMPLE.TEST"));
  EXPECT_TRUE(list.allows("TESTDOM\\Alice"));
  EXPECT_FALSE(list.allows("bob@EXAMPLE.TEST"));
  EXPECT_FALSE(principal_allow_list().allows("alice@EXAMPLE.TEST"));  // empty: nobody
}

TEST(AllowList, MalformedRulesAreReportedAndLeftOut) {
  std::vector<std::string> problems;
  auto const list =
      principal_allow_list::parse({"", "@EXAMPLE.TEST", "alice@", "TESTDOM\\", "al*ce@EXAMPLE.TEST",
                                   "*@EX*", "a\nb", "bob@EXAMPLE.TEST"},
                                  problems);
  ASSERT_EQ(problems.size(), 7U);
  EXPECT_EQ(problems[0].rfind("allow rule 1 ", 0), 0U) << problems[0];
  EXPECT_EQ(problems[6].find('\n'), std::string::npos);  // never echoes control characters
  EXPECT_TRUE(list.allows("bob@EXAMPLE.TEST"));
  EXPECT_FALSE(list.allows("alice@EXAMPLE.TEST"));
}

TEST(Principal, SamePrincipalIgnoresCaseAndSpelling) {
  EXPECT_TRUE(same_principal("alice@EXAMPLE.TEST", "ALICE@example.test"));
  EXPECT_TRUE(same_principal("TESTDOM\\bob", "bob@testdom"));
  EXPECT_FALSE(same_principal("alice@EXAMPLE.TEST", "alice@OTHER.TEST"));
  EXPECT_FALSE(same_principal("alice@EXAMPLE.TEST", "alice"));
}

}  // namespace
}  // namespace bits::auth
