#include "auth/password_hash.hpp"  // first: proves the header is self-contained

#include "test_hashes.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bits::auth {
namespace {

using test::make_hash;

struct classify_case {
  char const* hash;
  hash_scheme scheme;
};

TEST(ClassifyHash, RecognisesEachSchemeByItsPrefixOrShape) {
  classify_case const cases[] = {
      {"$2y$05$abcdefghijklmnopqrstuu", hash_scheme::bcrypt},
      {"$2b$05$x", hash_scheme::bcrypt},
      {"$2a$05$x", hash_scheme::bcrypt},
      {"$5$salt$x", hash_scheme::sha256_crypt},
      {"$6$salt$x", hash_scheme::sha512_crypt},
      {"$y$j9T$salt$x", hash_scheme::yescrypt},
      {"$apr1$salt$x", hash_scheme::md5_apr1},
      {"$1$salt$x", hash_scheme::md5_crypt},
      {"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", hash_scheme::sha1},
      {"abJnggxhB/yWI", hash_scheme::des_crypt},
      {"$2x$05$x", hash_scheme::other_crypt},  // the buggy bcrypt variant
      {"$7$CU..../....$x", hash_scheme::other_crypt},
      {"$gy$j9T$salt$x", hash_scheme::other_crypt},
      {"_J9..CCCCXBrJUJV154M", hash_scheme::other_crypt},  // BSDi extended DES
      {"hunter2", hash_scheme::plain_text},
      {"$notcrypt", hash_scheme::plain_text},
      {"correct horse battery staple", hash_scheme::plain_text},
      {"", hash_scheme::empty},
  };
  for (auto const& c : cases) EXPECT_EQ(classify_hash(c.hash), c.scheme) << c.hash;
}

TEST(ClassifyHash, OnlyTheSlowSaltedSchemesAreAccepted) {
  EXPECT_TRUE(is_accepted(hash_scheme::bcrypt));
  EXPECT_TRUE(is_accepted(hash_scheme::sha256_crypt));
  EXPECT_TRUE(is_accepted(hash_scheme::sha512_crypt));
  EXPECT_TRUE(is_accepted(hash_scheme::yescrypt));
  for (auto const s :
       {hash_scheme::md5_apr1, hash_scheme::md5_crypt, hash_scheme::sha1, hash_scheme::des_crypt,
        hash_scheme::other_crypt, hash_scheme::plain_text, hash_scheme::empty})
    EXPECT_FALSE(is_accepted(s)) << scheme_name(s);
}

TEST(WellFormed, RealHashesOfEveryAcceptedSchemeAre) {
  for (char const* prefix : {"$2b$", "$2y$", "$2a$", "$5$", "$6$", "$y$"}) {
    std::string const hash = make_hash(prefix, "secret");
    ASSERT_FALSE(hash.empty()) << prefix;
    EXPECT_TRUE(is_well_formed(classify_hash(hash), hash)) << hash;
  }
  std::string const rounds = make_hash("$6$", "secret", 6000);
  ASSERT_NE(rounds.find("rounds=6000$"), std::string::npos) << rounds;
  EXPECT_TRUE(is_well_formed(hash_scheme::sha512_crypt, rounds));
}

TEST(WellFormed, TruncatedOrBareSaltsAreNot) {
  std::string const bcrypt = make_hash("$2b$", "secret");
  std::string const sha = make_hash("$6$", "secret");
  std::string const yes = make_hash("$y$", "secret");
  ASSERT_FALSE(bcrypt.empty() || sha.empty() || yes.empty());
  for (std::string const& h : {bcrypt, sha, yes}) {
    hash_scheme const s = classify_hash(h);
    EXPECT_FALSE(is_well_formed(s, h.substr(0, h.size() - 1))) << h;      // one char short
    EXPECT_FALSE(is_well_formed(s, h + "A")) << h;                        // one char long
    EXPECT_FALSE(is_well_formed(s, h.substr(0, h.rfind('$') + 1))) << h;  // setting only
  }
  EXPECT_FALSE(is_well_formed(hash_scheme::bcrypt, "$2b$03$" + bcrypt.substr(7)));  // cost 3
  EXPECT_FALSE(is_well_formed(hash_scheme::bcrypt, "$2b$32$" + bcrypt.substr(7)));  // cost 32
  EXPECT_FALSE(is_well_formed(hash_scheme::bcrypt, bcrypt.substr(0, 59) + "!"));    // alphabet
  std::string const checksum = sha.substr(sha.rfind('$'));
  EXPECT_FALSE(is_well_formed(hash_scheme::sha512_crypt, "$6$0123456789abcdefg" + checksum));
  EXPECT_TRUE(is_well_formed(hash_scheme::sha512_crypt, "$6$0123456789abcdef" + checksum));
  EXPECT_FALSE(is_well_formed(hash_scheme::md5_crypt, make_hash("$1$", "secret")));
}

TEST(VerifyPassword, AcceptsTheRightPasswordForEveryAcceptedScheme) {
  for (char const* prefix : {"$2b$", "$2y$", "$2a$", "$5$", "$6$", "$y$"}) {
    std::string const hash = make_hash(prefix, "s3cret: with colon");
    ASSERT_FALSE(hash.empty()) << prefix;
    EXPECT_TRUE(verify_password("s3cret: with colon", hash)) << hash;
    EXPECT_FALSE(verify_password("s3cret: with colon ", hash)) << hash;
    EXPECT_FALSE(verify_password("", hash)) << hash;
  }
}

TEST(VerifyPassword, RefusesANulThatWouldCutThePasswordShort) {
  std::string const hash = make_hash("$6$", "secret");
  ASSERT_FALSE(hash.empty());
  EXPECT_TRUE(verify_password("secret", hash));
  EXPECT_FALSE(verify_password(std::string("secret\0tail", 11), hash));
}

TEST(VerifyPassword, RefusesPasswordsBeyondLibcryptsLimit) {
  std::string const longest(511, 'p');  // CRYPT_MAX_PASSPHRASE_SIZE counts the NUL
  std::string const hash = make_hash("$6$", longest);
  ASSERT_FALSE(hash.empty());
  EXPECT_TRUE(verify_password(longest, hash));
  EXPECT_FALSE(verify_password(longest + "p", hash));
}

TEST(VerifyPassword, GarbageHashNeverMatches) {
  EXPECT_FALSE(verify_password("secret", ""));
  EXPECT_FALSE(verify_password("secret", "$2b$04$short"));
  EXPECT_FALSE(verify_password("x", "x"));
}

}  // namespace
}  // namespace bits::auth
