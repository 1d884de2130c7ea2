// Basic authentication as a directory's policy: the principal for right credentials,
// the 401 with the realm's challenge otherwise, hashing off the event loop, and reloads
// of the htpasswd file (a bad file keeps the old users).
#include "server/basic_authentication.hpp"
#include "support/temp_dir.hpp"
#include "unit/auth/test_hashes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace bits::server {
namespace {

namespace net = boost::asio;

class basic_authentication_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto const hash = auth::test::make_hash("$2b$", "wonderland");
    ASSERT_FALSE(hash.empty());
    write("alice:" + hash + "\n");
    std::vector<std::string> problems;
    auto table = auth::load_htpasswd(file().string(), problems);
    ASSERT_TRUE(table) << table.error().message();
    policy_ = std::make_unique<basic_authentication>(std::move(*table), "Uploads");
  }

  [[nodiscard]] std::filesystem::path file() const { return tmp_.path() / "htpasswd"; }
  void write(std::string const& text) const { std::ofstream(file()) << text; }

  /// Runs authenticate for a request with `authorization` (none when empty) on a loop,
  /// the hashing on a pool; also says whether the hash ran off the loop's thread.
  auth_decision run(std::string const& authorization, bool* hashed_off_loop = nullptr) {
    core::request_head head;
    head.method = core::bits_post_method;
    head.target = "/up/";
    if (!authorization.empty()) head.fields.emplace_back("Authorization", authorization);
    net::io_context loop;
    net::thread_pool pool(1);
    std::unique_ptr<connection_auth_state> state;
    auth_decision out;
    auto const hashes_before = policy_->verifier_for_test().hash_count_for_test();
    net::co_spawn(
        loop,
        [&]() -> net::awaitable<void> {
          out =
              co_await policy_->authenticate({head, "192.0.2.1:4000", state, pool.get_executor()});
        },
        net::detached);
    loop.run();
    pool.join();
    if (hashed_off_loop != nullptr) {
      *hashed_off_loop = policy_->verifier_for_test().hash_count_for_test() > hashes_before;
    }
    return out;
  }

  test::temp_dir tmp_;
  std::unique_ptr<basic_authentication> policy_;
};

TEST_F(basic_authentication_test, RightCredentialsGiveThePrincipal) {
  bool hashed = false;
  auto const d = run(auth::test::basic_header("alice:wonderland"), &hashed);
  ASSERT_TRUE(d.principal);
  EXPECT_EQ(*d.principal, "alice");
  EXPECT_TRUE(hashed) << "the first check must run the hash";
  bool hashed_again = true;
  auto const cached = run(auth::test::basic_header("alice:wonderland"), &hashed_again);
  ASSERT_TRUE(cached.principal);
  EXPECT_FALSE(hashed_again) << "a repeated check must come from the cache";
}

TEST_F(basic_authentication_test, MissingWrongOrOtherSchemeCredentialsGetTheChallenge) {
  for (std::string const& header :
       {std::string(), auth::test::basic_header("alice:looking-glass"),
        auth::test::basic_header("mallory:wonderland"), std::string("Negotiate YIIB")}) {
    auto const d = run(header);
    EXPECT_FALSE(d.principal) << header;
    EXPECT_EQ(d.challenge.status, 401u) << header;
    EXPECT_EQ(d.challenge.header("WWW-Authenticate"),
              std::optional<std::string_view>("Basic realm=\"Uploads\", charset=\"UTF-8\""))
        << header;
  }
}

TEST_F(basic_authentication_test, ReloadAddsUsersAndABadFileKeepsThem) {
  auto const hash = auth::test::make_hash("$2b$", "builder");
  ASSERT_FALSE(hash.empty());
  write("bob:" + hash + "\n");
  policy_->reload("/up/");
  EXPECT_TRUE(run(auth::test::basic_header("bob:builder")).principal);
  EXPECT_FALSE(run(auth::test::basic_header("alice:wonderland")).principal)
      << "alice left the file";

  write("bob:$apr1$abcdefgh$0123456789abcdefghijkl\n");  // refused scheme: the file is bad
  policy_->reload("/up/");
  EXPECT_TRUE(run(auth::test::basic_header("bob:builder")).principal)
      << "a bad file must leave the old users in place";
}

}  // namespace
}  // namespace bits::server
