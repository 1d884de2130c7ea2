// Pre-create decisions: accepted, refused with the hook's or the default status and
// code, and the failure mode for hooks that give no answer.
#include "hooks/pre_create.hpp"

#include <gtest/gtest.h>

namespace bits::hooks {
namespace {

hook_result answer(hook_answer a, std::string output = {}) {
  hook_result r;
  r.answer = a;
  r.output = std::move(output);
  r.detail = "exit 1";
  return r;
}

TEST(PreCreate, AcceptedGoesAhead) {
  auto const d = decide_pre_create(answer(hook_answer::accepted), failure_mode::refuse);
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.hook_failed);
}

TEST(PreCreate, RefusalWithoutDetailsIsAccessDenied) {
  auto const d = decide_pre_create(answer(hook_answer::refused, "go away\n"), failure_mode::allow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal.status, 403U);
  EXPECT_EQ(d.refusal.code, 0x80070005U);
  EXPECT_EQ(d.refusal.context, 0x7U);
}

TEST(PreCreate, RefusalNamesStatusCodeAndReason) {
  auto const d = decide_pre_create(
      answer(hook_answer::refused,
             R"({"status": 413, "bits_error_code": "0x80200020", "reason": "too big"})"),
      failure_mode::refuse);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.refusal.status, 413U);
  EXPECT_EQ(d.refusal.code, 0x80200020U);
  EXPECT_NE(d.detail.find("too big"), std::string::npos);
}

TEST(PreCreate, StatusWithoutCodeGetsBitsOwnCodeForIt) {
  auto const d =
      decide_pre_create(answer(hook_answer::refused, R"({"status": 404})"), failure_mode::refuse);
  EXPECT_EQ(d.refusal.status, 404U);
  EXPECT_EQ(d.refusal.code, 0x80190194U);
}

TEST(PreCreate, OutOfRangeValuesAreIgnored) {
  auto r = parse_refusal(R"({"status": 200, "bits_error_code": "zz"})");
  EXPECT_FALSE(r.status);
  EXPECT_FALSE(r.code);
  r = parse_refusal(R"({"status": "403", "bits_error_code": 2147942405})");
  EXPECT_FALSE(r.status);
  EXPECT_EQ(r.code, 0x80070005U);
  r = parse_refusal(R"([1, 2])");
  EXPECT_FALSE(r.status);
}

TEST(PreCreate, NoAnswerFollowsTheFailureMode) {
  auto d = decide_pre_create(answer(hook_answer::failed), failure_mode::allow);
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.hook_failed);
  d = decide_pre_create(answer(hook_answer::failed), failure_mode::refuse);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.hook_failed);
  EXPECT_EQ(d.refusal.status, 503U);
  EXPECT_EQ(d.refusal.code, 0x801901F7U);
  EXPECT_EQ(d.refusal.context, 0x5U);
}

}  // namespace
}  // namespace bits::hooks
