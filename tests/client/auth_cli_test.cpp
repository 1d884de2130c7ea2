// --auth against openbitsd with Basic authentication: `any` answers the server's
// challenge (libcurl CURLAUTH_ANY) and uploads with fragment bodies resent after it;
// wrong or missing credentials stop at once with the 401 named.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

// `openssl passwd -6 -salt openbits wonderland`
constexpr char const* alice_htpasswd =
    "alice:$6$openbits$KuSGo3UpVKMUDSSXAe085H5YFQKDHrFoF8hJctmpxI3H.6SuROBxd2VxxMIUnR98gwz8iL1iH4"
    "BNsJueEN8MS0\n";

class AuthCli : public client_test {
 protected:
  ::testing::AssertionResult start_with_basic() {
    auto const file = tmp() / "htpasswd";
    if (!write_file(file, alice_htpasswd)) return ::testing::AssertionFailure() << "htpasswd";
    return start(vdir_options{}
                     .set("auth", "basic")
                     .set("htpasswd", file)
                     .set("allow_basic_over_http", true));
  }
  cli_result upload(std::vector<std::string> const& extra) {
    auto const file = random_file("in.bin", 200'000, 70);
    std::vector<std::string> args = {"upload",          file.string(), url("out.bin"),
                                     "--json",          "--state",     (tmp() / "s.json").string(),
                                     "--fragment-size", "64K"};
    args.insert(args.end(), extra.begin(), extra.end());
    return openbits(args);
  }
};

TEST_F(AuthCli, AuthAnyAnswersTheServersBasicChallenge) {
  ASSERT_TRUE(start_with_basic());
  auto const r = upload({"--auth", "any", "-u", "alice:wonderland"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(sha256_file_hex(root() / "out.bin"), sha256_file_hex(tmp() / "in.bin"));
  EXPECT_EQ(r.json["fragments"], 4);
  EXPECT_EQ(r.json["retries"], 0);
}

TEST_F(AuthCli, WrongPasswordIsRefusedWithTheStatusNamed) {
  ASSERT_TRUE(start_with_basic());
  auto const r = upload({"--auth", "any", "-u", "alice:queen"});
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_NE(r.err.find("BG_E_HTTP_ERROR_401 (0x80190191)"), std::string::npos) << r.err;
  EXPECT_EQ(r.json["retries"], 0);
  EXPECT_FALSE(std::filesystem::exists(root() / "out.bin"));
}

TEST_F(AuthCli, AuthAnyWithoutCredentialsOnlyTriesNegotiate) {
  // No password: Negotiate is all that is left, and this server offers only Basic.
  ASSERT_TRUE(start_with_basic());
  auto const r = upload({"--auth", "any"});
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_NE(r.err.find("HTTP 401, Ping; authentication offered: Basic"), std::string::npos)
      << r.err;
}

TEST_F(AuthCli, UnknownAuthModeIsAUsageError) {
  ASSERT_TRUE(start());
  auto const r = upload({"--auth", "digest", "-u", "alice:wonderland"});
  EXPECT_EQ(r.code(), 2) << r.describe();
  EXPECT_NE(r.err.find("--auth must be basic, any, negotiate or ntlm"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bits::test
