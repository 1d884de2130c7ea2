// What the start-up check says about NTLM user files, before gss-ntlmssp reads them.
#include "auth/ntlm_users.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace bits::auth {
namespace {

constexpr char const* hashed_bob =
    "TESTDOM\\bob:1001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:E6F0B1A29C0A9DD81A4EC943ADEB5659:"
    "[U          ]:LCT-00000000:";

TEST(NtlmUsers, CountsHashedAndPlainAccounts) {
  test::temp_dir dir;
  std::ofstream(dir / "users") << "# accounts\n"
                               << hashed_bob << "\n"
                               << "TESTDOM:carol:secret\r\n"
                               << "\n";
  auto const summary = check_ntlm_users((dir / "users").string());
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->hashed_accounts, 1U);
  EXPECT_EQ(summary->plaintext_accounts, 1U);
  ASSERT_EQ(summary->warnings.size(), 1U);
  EXPECT_NE(summary->warnings[0].find("plain-text"), std::string::npos);
  EXPECT_EQ(summary->warnings[0].find("secret"), std::string::npos);  // never a password
}

TEST(NtlmUsers, LinesGssNtlmsspSkipsAreNamed) {
  test::temp_dir dir;
  std::ofstream(dir / "users") << hashed_bob << "\nTESTDOM:dave\nTESTDOM:erin:x:y\n";
  auto const summary = check_ntlm_users((dir / "users").string());
  ASSERT_TRUE(summary);
  ASSERT_EQ(summary->warnings.size(), 2U);
  EXPECT_NE(summary->warnings[0].find(":2: "), std::string::npos) << summary->warnings[0];
  EXPECT_NE(summary->warnings[1].find(":3: "), std::string::npos) << summary->warnings[1];
}

TEST(NtlmUsers, UnusableFilesAreErrors) {
  test::temp_dir dir;
  std::ofstream(dir / "empty") << "# nobody\n";
  std::ofstream(dir / "long") << hashed_bob << "\nTESTDOM:x:" << std::string(1100, 'p') << "\n";
  for (auto const& [name, expected] :
       {std::pair{"missing", "No such file"}, std::pair{"empty", "holds no account"},
        std::pair{"long", "line 2 is longer"}, std::pair{".", "not a regular file"}}) {
    auto const summary = check_ntlm_users((dir / name).string());
    ASSERT_FALSE(summary) << name;
    EXPECT_EQ(summary.error().kind, negotiate_errc::credentials_unavailable);
    EXPECT_NE(summary.error().message.find(expected), std::string::npos) << summary.error().message;
    EXPECT_EQ(summary.error().message.find("pppp"), std::string::npos);
  }
}

}  // namespace
}  // namespace bits::auth
