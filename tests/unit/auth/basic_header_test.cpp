#include "auth/basic_header.hpp"  // first: proves the header is self-contained

#include "auth/limits.hpp"
#include "test_hashes.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace bits::auth {
namespace {

using test::basic_header;

struct good_case {
  std::string header;
  char const* user;
  std::string password;
};

TEST(ParseBasicAuthorization, AcceptsWellFormedCredentials) {
  good_case const cases[] = {
      {"Basic YWxpY2U6c2VjcmV0", "alice", "secret"},  // RFC 7617 style, no padding needed
      {"basic YWxpY2U6c2VjcmV0", "alice", "secret"},
      {"BASIC YWxpY2U6c2VjcmV0", "alice", "secret"},
      {"bAsIc YWxpY2U6c2VjcmV0", "alice", "secret"},
      {" \tBasic   YWxpY2U6c2VjcmV0 \t", "alice", "secret"},
      {basic_header("alice:"), "alice", ""},
      {basic_header("alice:se:cr:et"), "alice", "se:cr:et"},  // split at the first ':'
      {basic_header("a:b"), "a", "b"},                        // "YTpi": no padding
      {basic_header("ab:c"), "ab", "c"},                      // "YWI6Yw==": two '='
      {basic_header("ab:cd"), "ab", "cd"},                    // "YWI6Y2Q=": one '='
      {basic_header("J\xc3\xa9r\xc3\xb4me:p\xc3\xa0ss"), "J\xc3\xa9r\xc3\xb4me", "p\xc3\xa0ss"},
      {basic_header("alice:tab\there\x01"), "alice", "tab\there\x01"},
      {basic_header(std::string(max_user_bytes, 'u') + ":pw"), nullptr, "pw"},
  };
  for (auto const& c : cases) {
    auto const got = parse_basic_authorization(c.header);
    ASSERT_TRUE(got.has_value()) << c.header;
    EXPECT_EQ(got->user, c.user != nullptr ? std::string(c.user) : std::string(max_user_bytes, 'u'))
        << c.header;
    EXPECT_EQ(got->password, c.password) << c.header;
  }
}

TEST(ParseBasicAuthorization, RefusesOtherSchemesAndMissingTokens) {
  for (std::string const h :
       {"", "Basic", "Basic ", "Basic    ", "Bearer YWxpY2U6c2VjcmV0", "Digest username=\"alice\"",
        "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAF1YAAAADw==",
        "Negotiate YWxpY2U6c2VjcmV0", "Basicx YWxpY2U6c2VjcmV0", "Basic\tYWxpY2U6c2VjcmV0",
        "YWxpY2U6c2VjcmV0", "Basic:YWxpY2U6c2VjcmV0"})
    EXPECT_FALSE(parse_basic_authorization(h).has_value()) << '"' << h << '"';
}

TEST(ParseBasicAuthorization, RefusesMalformedOrNonCanonicalBase64) {
  for (std::string const h : {
           "Basic YWxpY2U6c2VjcmV0=",   // 21 characters: not a multiple of 4
           "Basic YWxpY2U6cw",          // missing padding
           "Basic YWxpY2U6cw=",         // half the padding
           "Basic YWxpY2U6cw===",       // too much padding
           "Basic YWxp Y2U6c2VjcmV0",   // space inside the token
           "Basic YWxpY2U6c2Vj\tcmV0",  // tab inside the token
           "Basic YWxpY2U6c2VjcmV0 x",  // a second token
           "Basic YWxpY2U6c2VjcmV!",    // character outside the alphabet
           "Basic YWxpY2U6c2VjcmV_",    // base64url is not base64
           "Basic YWI6Yw==YWI6Yw==",    // padding in the middle
           "Basic YWI6Yx==",            // non-canonical: padding bits set
           "Basic YWI6Y2R=",            // non-canonical: padding bits set
           "Basic ====",
       })
    EXPECT_FALSE(parse_basic_authorization(h).has_value()) << '"' << h << '"';
}

TEST(ParseBasicAuthorization, RefusesBadCredentialText) {
  for (std::string const& text : {
           std::string("alice"),         // no colon
           std::string(":secret"),       // empty user
           std::string(":"),             // empty user and password
           std::string("al\x01ice:pw"),  // control character in the user
           std::string("al\x7f"
                       "ice:pw"),                         // DEL in the user
           std::string("ali\0ce:pw", 9),                  // NUL in the user
           std::string("alice:pw\0tail", 13),             // NUL in the password
           std::string(max_user_bytes + 1, 'u') + ":pw",  // user too long
       })
    EXPECT_FALSE(parse_basic_authorization(basic_header(text)).has_value()) << text;
}

TEST(ParseBasicAuthorization, RefusesHeadersOver4096Bytes) {
  // The longest encoded credentials that fit, then one byte of surrounding space more.
  std::string const password(3066 - 6, 'p');                     // "alice:" + password = 3066 bytes
  std::string const header = basic_header("alice:" + password);  // 6 + 4088 = 4094
  ASSERT_EQ(header.size(), 4094u);
  EXPECT_TRUE(parse_basic_authorization(header + "  ").has_value());
  EXPECT_FALSE(parse_basic_authorization(header + "   ").has_value());
}

TEST(Challenge, QuotesTheRealmAndAnnouncesUtf8) {
  EXPECT_EQ(challenge("BITS uploads"), R"(Basic realm="BITS uploads", charset="UTF-8")");
  EXPECT_EQ(challenge(""), R"(Basic realm="", charset="UTF-8")");
}

TEST(Challenge, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(challenge(R"(say "hi" \o/)"), R"(Basic realm="say \"hi\" \\o/", charset="UTF-8")");
}

TEST(Challenge, ReplacesControlCharactersSoTheHeaderCannotBeSplit) {
  std::string const got = challenge(
      "a\r\nSet-Cookie: x=1\tb\x7f"
      "c" +
      std::string(1, '\0'));
  EXPECT_EQ(got, "Basic realm=\"a??Set-Cookie: x=1?b?c?\", charset=\"UTF-8\"");
  EXPECT_EQ(got.find_first_of("\r\n"), std::string::npos);
}

TEST(Challenge, KeepsUtf8) {
  EXPECT_EQ(challenge("d\xc3\xa9p\xc3\xb4t"),
            "Basic realm=\"d\xc3\xa9p\xc3\xb4t\", charset=\"UTF-8\"");
}

}  // namespace
}  // namespace bits::auth
