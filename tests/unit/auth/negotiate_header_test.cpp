// Negotiate/NTLM Authorization values and base64, without GSSAPI.
#include "auth/negotiate_header.hpp"

#include "auth/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bits::auth {
namespace {

TEST(NegotiateHeader, ParsesBothSchemesInAnyCase) {
  auto const a = parse_negotiate_authorization("Negotiate YWJj");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, negotiate_scheme::negotiate);
  EXPECT_EQ(a->token, "abc");
  auto const b = parse_negotiate_authorization("  ntlm   TlRMTVNTUAABAAAA \t");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->scheme, negotiate_scheme::ntlm);
  EXPECT_EQ(b->token, std::string("NTLMSSP\0\x01\0\0\0", 12));
  EXPECT_TRUE(parse_negotiate_authorization("NEGOTIATE YWJj"));
}

TEST(NegotiateHeader, RefusesWhatIsNotAToken) {
  for (std::string const bad :
       {"", "Negotiate", "Negotiate ", "NTLM", "Basic YWJj", "Bearer YWJj", "Negotiate YWJ",
        "Negotiate YWJj!", "Negotiate YW Jj", "Negotiate\tYWJj", "Negotiate YWI=x",
        "Negotiate YWJ=", "NegotiateYWJj", "Kerberos YWJj"}) {
    EXPECT_FALSE(parse_negotiate_authorization(bad)) << bad;
  }
}

TEST(NegotiateHeader, AcceptsTokensLargerThanABitsHeader) {
  // A Kerberos ticket of a user in many groups: 12000 bytes, 16000 in base64.
  std::string const big(12000, 'x');
  auto const value = "Negotiate " + encode_base64(big);
  auto const parsed = parse_negotiate_authorization(value);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->token, big);
  std::string const too_big = "Negotiate " + std::string(max_negotiate_authorization_bytes, 'A');
  EXPECT_FALSE(parse_negotiate_authorization(too_big));
}

TEST(NegotiateHeader, ChallengeWithAndWithoutToken) {
  EXPECT_EQ(negotiate_challenge(negotiate_scheme::negotiate), "Negotiate");
  EXPECT_EQ(negotiate_challenge(negotiate_scheme::ntlm), "NTLM");
  EXPECT_EQ(negotiate_challenge(negotiate_scheme::negotiate, "oYG2"), "Negotiate oYG2");
  EXPECT_EQ(negotiate_challenge(negotiate_scheme::ntlm, "TlRM"), "NTLM TlRM");
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    auto const encoded = encode_base64(bytes);
    EXPECT_EQ(encoded.size(), (bytes.size() + 2) / 3 * 4);
    if (!bytes.empty()) {
      auto const decoded = decode_base64_strict(encoded);
      ASSERT_TRUE(decoded) << encoded;
      EXPECT_EQ(*decoded, bytes);
    }
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(encode_base64("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
  EXPECT_FALSE(decode_base64_strict("YW55IGNhcm5hbCBwbGVhcx=="));  // non-zero padding bits
}

}  // namespace
}  // namespace bits::auth
