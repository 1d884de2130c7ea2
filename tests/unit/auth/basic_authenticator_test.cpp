#include "auth/basic_authenticator.hpp"  // first: proves the header is self-contained

#include "support/temp_dir.hpp"
#include "test_hashes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <ostream>
#include <string>
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

TEST_F(BasicAuthenticatorTest, EmptyTableRefusesEveryoneAfterHashing) {
  basic_authenticator auth(htpasswd{}, cache());
  EXPECT_FALSE(auth.verify("alice", "alice-pw"));
  EXPECT_EQ(auth.hash_count_for_test(), 1u);
}

/// One step of a script against an authenticator over alice, bob and carol: a call
/// and the result it must give, a move of the clock, or a check of the counters.
struct step {
  enum kind { verify, verify_slow, lookup, wait, hash_count, cache_size } what;
  std::string user;
  std::string password;
  bool expected = false;       ///< verify, verify_slow, lookup
  std::chrono::seconds by{0};  ///< wait
  std::size_t count = 0;       ///< hash_count, cache_size
};

step accepted(std::string user, std::string password) {
  return {step::verify, std::move(user), std::move(password), true, {}, 0};
}
step refused(std::string user, std::string password) {
  return {step::verify, std::move(user), std::move(password), false, {}, 0};
}
step accepted_slowly(std::string user, std::string password) {
  return {step::verify_slow, std::move(user), std::move(password), true, {}, 0};
}
step cached(std::string user, std::string password) {
  return {step::lookup, std::move(user), std::move(password), true, {}, 0};
}
step not_cached(std::string user, std::string password) {
  return {step::lookup, std::move(user), std::move(password), false, {}, 0};
}
step wait(std::chrono::seconds by) {
  return {step::wait, {}, {}, false, by, 0};
}
step hashes(std::size_t count) {
  return {step::hash_count, {}, {}, false, {}, count};
}
step cache_entries(std::size_t count) {
  return {step::cache_size, {}, {}, false, {}, count};
}

struct script {
  char const* name;
  std::vector<step> steps;
};

void PrintTo(script const& s, std::ostream* os) {
  *os << s.name;
}

class BasicAuthenticatorScript : public BasicAuthenticatorTest,
                                 public ::testing::WithParamInterface<script> {};

TEST_P(BasicAuthenticatorScript, Runs) {
  basic_authenticator auth(table_, cache());
  for (std::size_t i = 0; i < GetParam().steps.size(); ++i) {
    auto const& s = GetParam().steps[i];
    SCOPED_TRACE(::testing::Message() << "step " << i << ": " << s.user << " / " << s.password);
    switch (s.what) {
      case step::verify:
        EXPECT_EQ(auth.verify(s.user, s.password), s.expected);
        break;
      case step::verify_slow:
        EXPECT_EQ(auth.verify_slow(s.user, s.password), s.expected);
        break;
      case step::lookup:
        EXPECT_EQ(auth.lookup_cache(s.user, s.password), s.expected);
        break;
      case step::wait:
        now_ += s.by;
        break;
      case step::hash_count:
        EXPECT_EQ(auth.hash_count_for_test(), s.count);
        break;
      case step::cache_size:
        EXPECT_EQ(auth.cache_size_for_test(), s.count);
        break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, BasicAuthenticatorScript,
    ::testing::Values(
        // Even with the password of the user whose hash stands in for unknown users.
        script{
            "UnknownUsersCostAHashToo",
            {refused("mallory", "alice-pw"), refused("mallory", "x"), hashes(2), cache_entries(0)}},
        script{"SecondVerifyIsACacheHitWithoutHashing",
               {not_cached("alice", "alice-pw"), accepted("alice", "alice-pw"), hashes(1),
                cached("alice", "alice-pw"), accepted("alice", "alice-pw"), hashes(1)}},
        script{"WrongPasswordsAreNeverCached",
               {accepted("alice", "alice-pw"), refused("alice", "guess"), refused("alice", "guess"),
                hashes(3), not_cached("alice", "guess"), cached("alice", "alice-pw")}},
        script{"CachedSuccessExpiresAndIsHashedAgain",
               {accepted("bob", "bob-pw"), wait(5min - 1s), accepted("bob", "bob-pw"), hashes(1),
                wait(1s), not_cached("bob", "bob-pw"), accepted("bob", "bob-pw"), hashes(2)}},
        script{"VerifySlowAlwaysHashes",
               {accepted_slowly("alice", "alice-pw"), accepted_slowly("alice", "alice-pw"),
                hashes(2)}}),
    [](auto const& p) { return std::string(p.param.name); });

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
