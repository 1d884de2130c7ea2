#include "auth/basic_authenticator.hpp"  // first: proves the header is self-contained

#include "support/temp_dir.hpp"
#include "test_hashes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

namespace bits::auth {
namespace {

using namespace std::chrono_literals;
using test::make_hash;

class BasicAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_.source = "users";
    table_.users["alice"] = make_hash("$2b$", "alice-pw");
    table_.users["bob"] = make_hash("$6$", "bob-pw");
    table_.users["carol"] = make_hash("$y$", "carol-pw");
    for (auto const& [user, hash] : table_.users) ASSERT_FALSE(hash.empty()) << user;
  }

  cache_options cache() {
    return {.capacity = 16, .ttl = 5min, .now = [this] { return now_; }};
  }

  htpasswd table_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
};

TEST_F(BasicAuthenticatorTest, VerifiesEachSchemeAndRefusesWrongPasswords) {
  basic_authenticator auth(table_, cache());
  EXPECT_EQ(auth.user_count(), 3u);
  EXPECT_EQ(auth.source(), "users");
  EXPECT_TRUE(auth.verify("alice", "alice-pw"));
  EXPECT_TRUE(auth.verify("bob", "bob-pw"));
  EXPECT_TRUE(auth.verify("carol", "carol-pw"));
  EXPECT_FALSE(auth.verify("alice", "bob-pw"));
  EXPECT_FALSE(auth.verify("alice", ""));
  EXPECT_FALSE(auth.verify("Alice", "alice-pw"));  // user names are case-sensitive
}

TEST_F(BasicAuthenticatorTest, UnknownUsersCostAHashToo) {
  basic_authenticator auth(table_, cache());
  // Even with the password of the user whose hash stands in for unknown users.
  EXPECT_FALSE(auth.verify("mallory", "alice-pw"));
  EXPECT_FALSE(auth.verify("mallory", "x"));
  EXPECT_EQ(auth.hash_count_for_test(), 2u);
  EXPECT_EQ(auth.cache_size_for_test(), 0u);
}

TEST_F(BasicAuthenticatorTest, EmptyTableRefusesEveryoneAfterHashing) {
  basic_authenticator auth(htpasswd{}, cache());
  EXPECT_FALSE(auth.verify("alice", "alice-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 1u);
}

TEST_F(BasicAuthenticatorTest, SecondVerifyIsACacheHitWithoutHashing) {
  basic_authenticator auth(table_, cache());
  EXPECT_FALSE(auth.lookup_cache("alice", "alice-pw"));
  EXPECT_TRUE(auth.verify("alice", "alice-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 1u);
  EXPECT_TRUE(auth.lookup_cache("alice", "alice-pw"));
  EXPECT_TRUE(auth.verify("alice", "alice-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 1u);
}

TEST_F(BasicAuthenticatorTest, WrongPasswordsAreNeverCached) {
  basic_authenticator auth(table_, cache());
  EXPECT_TRUE(auth.verify("alice", "alice-pw"));
  EXPECT_FALSE(auth.verify("alice", "guess"));
  EXPECT_FALSE(auth.verify("alice", "guess"));
  EXPECT_EQ(auth.hash_count_for_test(), 3u);
  EXPECT_FALSE(auth.lookup_cache("alice", "guess"));
  EXPECT_TRUE(auth.lookup_cache("alice", "alice-pw"));
}

TEST_F(BasicAuthenticatorTest, CachedSuccessExpiresAndIsHashedAgain) {
  basic_authenticator auth(table_, cache());
  EXPECT_TRUE(auth.verify("bob", "bob-pw"));
  now_ += 5min - 1s;
  EXPECT_TRUE(auth.verify("bob", "bob-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 1u);
  now_ += 1s;
  EXPECT_FALSE(auth.lookup_cache("bob", "bob-pw"));
  EXPECT_TRUE(auth.verify("bob", "bob-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 2u);
}

TEST_F(BasicAuthenticatorTest, VerifySlowAlwaysHashes) {
  basic_authenticator auth(table_, cache());
  EXPECT_TRUE(auth.verify_slow("alice", "alice-pw"));
  EXPECT_TRUE(auth.verify_slow("alice", "alice-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 2u);
}

TEST_F(BasicAuthenticatorTest, ReplaceSwapsUsersAndDropsTheCache) {
  basic_authenticator auth(table_, cache());
  EXPECT_TRUE(auth.verify("alice", "alice-pw"));
  htpasswd next;
  next.users["alice"] = make_hash("$6$", "new-pw");
  auth.replace(next);
  EXPECT_EQ(auth.cache_size_for_test(), 0u);
  EXPECT_FALSE(auth.lookup_cache("alice", "alice-pw"));
  EXPECT_FALSE(auth.verify("alice", "alice-pw"));
  EXPECT_TRUE(auth.verify("alice", "new-pw"));
  EXPECT_FALSE(auth.verify("bob", "bob-pw"));
  EXPECT_EQ(auth.user_count(), 1u);
}

TEST_F(BasicAuthenticatorTest, ReloadReadsTheFileAndKeepsTheOldTableOnFailure) {
  bits::test::temp_dir dir;
  std::string const path = (dir / "users").string();
  basic_authenticator auth(table_, cache());
  EXPECT_TRUE(auth.verify("alice", "alice-pw"));

  std::ofstream(path) << "alice:$apr1$GY8mQ0Oj$rVL1BdWvZ8T6t8K5p6QwB/\n";
  std::vector<std::string> problems;
  EXPECT_EQ(auth.reload(path, problems), make_error_code(auth_error::invalid_htpasswd));
  EXPECT_THAT(problems,
              ::testing::ElementsAre(path + ":1: user alice: MD5-crypt ($apr1$) is not accepted; "
                                            "re-create the entry with htpasswd -B"));
  EXPECT_EQ(auth.source(), "users");
  EXPECT_TRUE(auth.lookup_cache("alice", "alice-pw"));  // cache kept too

  std::ofstream(path) << "dave:" << make_hash("$2y$", "dave-pw") << "\n";
  problems.clear();
  EXPECT_FALSE(auth.reload(path, problems));
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(auth.source(), path);
  EXPECT_FALSE(auth.verify("alice", "alice-pw"));
  EXPECT_TRUE(auth.verify("dave", "dave-pw"));
}

TEST_F(BasicAuthenticatorTest, ConcurrentVerifiesAndReplaceAreSafe) {
  basic_authenticator auth(table_, cache());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!auth.verify("bob", "bob-pw")) ++wrong;
        if (auth.verify("bob", "nope")) ++wrong;
      }
    });
  for (int i = 0; i < 5; ++i) auth.replace(table_);
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_TRUE(auth.lookup_cache("bob", "bob-pw") || auth.verify("bob", "bob-pw"));
}

}  // namespace
}  // namespace bits::auth
