#include "auth/credential_cache.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <chrono>

namespace bits::auth {
namespace {

using namespace std::chrono_literals;

// A clock the test moves by hand.
struct manual_clock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};

  steady_time_function function() {
    return [this] { return now; };
  }
};

class CredentialCacheTest : public ::testing::Test {
 protected:
  credential_cache make(std::size_t capacity = 1024) {
    return credential_cache({.capacity = capacity, .ttl = 5min, .now = clock_.function()});
  }

  manual_clock clock_;
};

TEST_F(CredentialCacheTest, RemembersOnlyTheExactUserAndPassword) {
  auto cache = make();
  cache.reset(1);
  EXPECT_FALSE(cache.contains("alice", "secret"));
  cache.insert("alice", "secret", 1);
  EXPECT_TRUE(cache.contains("alice", "secret"));
  EXPECT_FALSE(cache.contains("alice", "Secret"));
  EXPECT_FALSE(cache.contains("alice", "secret "));
  EXPECT_FALSE(cache.contains("alice", ""));
  EXPECT_FALSE(cache.contains("bob", "secret"));
  EXPECT_FALSE(cache.contains("Alice", "secret"));
}

TEST_F(CredentialCacheTest, AWrongPasswordDoesNotEvictTheEntry) {
  auto cache = make();
  cache.insert("alice", "secret", 0);
  EXPECT_FALSE(cache.contains("alice", "guess"));
  EXPECT_TRUE(cache.contains("alice", "secret"));
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(CredentialCacheTest, EntriesExpireTtlAfterVerification) {
  auto cache = make();
  cache.insert("alice", "secret", 0);
  clock_.now += 5min - 1ns;
  EXPECT_TRUE(cache.contains("alice", "secret"));  // a hit does not extend the lifetime
  clock_.now += 1ns;
  EXPECT_FALSE(cache.contains("alice", "secret"));
  EXPECT_EQ(cache.size(), 0u);  // dropped on lookup
}

TEST_F(CredentialCacheTest, ReinsertingRenewsTheEntry) {
  auto cache = make();
  cache.insert("alice", "secret", 0);
  clock_.now += 4min;
  cache.insert("alice", "secret", 0);
  clock_.now += 4min;
  EXPECT_TRUE(cache.contains("alice", "secret"));
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(CredentialCacheTest, EvictsTheLeastRecentlyUsedWhenFull) {
  auto cache = make(2);
  cache.insert("alice", "a", 0);
  cache.insert("bob", "b", 0);
  EXPECT_TRUE(cache.contains("alice", "a"));  // bob is now the least recently used
  cache.insert("carol", "c", 0);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.contains("alice", "a"));
  EXPECT_FALSE(cache.contains("bob", "b"));
  EXPECT_TRUE(cache.contains("carol", "c"));
}

TEST_F(CredentialCacheTest, ResetForgetsEverythingAndRefusesStaleGenerations) {
  auto cache = make();
  cache.insert("alice", "a", 0);
  cache.reset(7);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.contains("alice", "a"));
  cache.insert("alice", "a", 6);  // verified against the table before the reload
  EXPECT_FALSE(cache.contains("alice", "a"));
  cache.insert("alice", "a", 7);
  EXPECT_TRUE(cache.contains("alice", "a"));
}

TEST_F(CredentialCacheTest, ZeroCapacityOrTtlTurnsItOff) {
  credential_cache none({.capacity = 0, .ttl = 5min, .now = clock_.function()});
  none.insert("alice", "a", 0);
  EXPECT_FALSE(none.contains("alice", "a"));
  credential_cache instant({.capacity = 8, .ttl = 0s, .now = clock_.function()});
  instant.insert("alice", "a", 0);
  EXPECT_FALSE(instant.contains("alice", "a"));
  EXPECT_EQ(instant.size(), 0u);
}

TEST(CredentialCacheDefaults, UseTheRealClock) {
  credential_cache cache(cache_options{});
  cache.insert("alice", "a", 0);
  EXPECT_TRUE(cache.contains("alice", "a"));
}

}  // namespace
}  // namespace bits::auth
