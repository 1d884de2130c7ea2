// Webhook signatures: the documented construction, checked against a value computed
// independently (Python's hmac module), and verification refusing any change.
#include "hooks/signature.hpp"

#include <gtest/gtest.h>

namespace bits::hooks {
namespace {

TEST(Signature, IsHmacSha256OverTimestampDotBody) {
  // python3 -c 'import hmac,hashlib; print(hmac.new(b"key",
  //   b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest())'
  EXPECT_EQ(sign_webhook("key", 1'700'000'000, R"({"a":1})"),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
}

TEST(Signature, VerificationRefusesAnyChange) {
  auto const sig = sign_webhook("secret", 1'700'000'000, "body");
  EXPECT_TRUE(verify_webhook("secret", 1'700'000'000, "body", sig));
  EXPECT_FALSE(verify_webhook("secret", 1'700'000'001, "body", sig));  // replayed later
  EXPECT_FALSE(verify_webhook("secret", 1'700'000'000, "bodY", sig));
  EXPECT_FALSE(verify_webhook("Secret", 1'700'000'000, "body", sig));
  EXPECT_FALSE(verify_webhook("secret", 1'700'000'000, "body", sig.substr(0, sig.size() - 1)));
  EXPECT_FALSE(verify_webhook("secret", 1'700'000'000, "body", ""));
}

}  // namespace
}  // namespace bits::hooks
