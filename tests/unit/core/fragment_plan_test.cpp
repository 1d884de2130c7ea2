#include "core/fragment_plan.hpp"  // first: proves the header is self-contained

#include <gtest/gtest.h>

#include <string>

namespace bits::core {
namespace {

constexpr fragment_limits unlimited{};

struct plan_case {
  char const* name;
  upload_progress held;
  content_range range;
  fragment_limits limits;
  fragment_plan expected;
};

class PlanFragmentAccepts : public ::testing::TestWithParam<plan_case> {};

TEST_P(PlanFragmentAccepts, WithThisPlan) {
  auto const& c = GetParam();
  auto const plan = plan_fragment(c.held, c.range, c.limits);
  ASSERT_TRUE(plan.has_value()) << plan.error().message();
  EXPECT_EQ(plan->skip, c.expected.skip);
  EXPECT_EQ(plan->write_offset, c.expected.write_offset);
  EXPECT_EQ(plan->write_length, c.expected.write_length);
  EXPECT_EQ(plan->received_after, c.expected.received_after);
  EXPECT_EQ(plan->completes_upload, c.expected.completes_upload);
  // Invariants of every plan: the whole body is accounted for, nothing held is rewritten,
  // nothing is written past the end of the file.
  EXPECT_EQ(plan->skip + plan->write_length, c.range.length);
  if (plan->write_length != 0) {
    EXPECT_EQ(plan->write_offset, c.held.received);
  }
  EXPECT_LE(plan->write_offset + plan->write_length, c.range.total);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlanFragmentAccepts,
    ::testing::Values(
        // Reference 1 example: two fragments of a 100,000-byte file.
        plan_case{
            "FirstFragment", {0, {}}, {0, 65536, 100000}, unlimited, {0, 0, 65536, 65536, false}},
        plan_case{"Continuation",
                  {65536, 100000},
                  {65536, 34464, 100000},
                  unlimited,
                  {0, 65536, 34464, 100000, true}},
        plan_case{"WholeFileAtOnce", {0, {}}, {0, 4892, 4892}, unlimited, {0, 0, 4892, 4892, true}},
        // [DOC] overlap example: 0-100 held, 50-150 sent -> only 101-150 written.
        plan_case{"OverlapSkipsHeldBytes",
                  {101, 1000},
                  {50, 101, 1000},
                  unlimited,
                  {51, 101, 50, 151, false}},
        plan_case{"OverlapCompletes", {90, 100}, {80, 20, 100}, unlimited, {10, 90, 10, 100, true}},
        plan_case{
            "PureDuplicate", {200, 1000}, {100, 100, 1000}, unlimited, {100, 200, 0, 200, false}},
        plan_case{"DuplicateEndingAtN",
                  {200, 1000},
                  {0, 200, 1000},
                  unlimited,
                  {200, 200, 0, 200, false}},
        plan_case{"DuplicateOfLastFragment",
                  {100, 100},
                  {50, 50, 100},
                  unlimited,
                  {50, 100, 0, 100, true}},
        plan_case{"ZeroByteFile", {0, {}}, {0, 0, 0}, unlimited, {0, 0, 0, 0, true}},
        plan_case{"ZeroByteFileAgain", {0, 0}, {0, 0, 0}, unlimited, {0, 0, 0, 0, true}},
        plan_case{"AtUploadLimit", {0, {}}, {0, 1000, 1000}, {1000, 0}, {0, 0, 1000, 1000, true}},
        plan_case{
            "AtFragmentLimit", {0, {}}, {0, 5120, 10000}, {0, 5120}, {0, 0, 5120, 5120, false}},
        plan_case{
            "ZeroLimitsMeanUnlimited", {0, {}}, {0, 1, UINT64_MAX}, {0, 0}, {0, 0, 1, 1, false}}),
    [](auto const& p) { return std::string(p.param.name); });

struct refused_case {
  char const* name;
  upload_progress held;
  content_range range;
  fragment_limits limits;
  error expected;
};

class PlanFragmentRefuses : public ::testing::TestWithParam<refused_case> {};

TEST_P(PlanFragmentRefuses, WithThisError) {
  auto const& c = GetParam();
  auto const plan = plan_fragment(c.held, c.range, c.limits);
  ASSERT_TRUE(plan.has_error());
  EXPECT_EQ(plan.error(), make_error_code(c.expected)) << plan.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlanFragmentRefuses,
    ::testing::Values(
        refused_case{"GapFromEmpty", {0, {}}, {1, 10, 100}, unlimited, error::range_not_contiguous},
        refused_case{
            "GapAfterData", {50, 100}, {51, 10, 100}, unlimited, error::range_not_contiguous},
        refused_case{"TotalGrew", {50, 100}, {50, 10, 101}, unlimited, error::total_length_changed},
        refused_case{
            "TotalShrank", {50, 100}, {50, 10, 99}, unlimited, error::total_length_changed},
        refused_case{
            "ZeroByteAfterTotal", {0, 100}, {0, 0, 0}, unlimited, error::total_length_changed},
        refused_case{"UploadTooLarge", {0, {}}, {0, 10, 1001}, {1000, 0}, error::upload_too_large},
        refused_case{
            "FragmentTooLarge", {0, {}}, {0, 5121, 10000}, {0, 5120}, error::fragment_too_large},
        // Order of checks (reference 4.5 step 6): total change, then upload size, then
        // fragment size, then the gap.
        refused_case{"TotalChangeBeforeUploadTooLarge",
                     {0, 100},
                     {0, 10, 5000},
                     {1000, 1},
                     error::total_length_changed},
        refused_case{"UploadTooLargeBeforeFragmentTooLarge",
                     {0, {}},
                     {0, 2000, 2000},
                     {1000, 1},
                     error::upload_too_large},
        refused_case{
            "FragmentTooLargeBeforeGap", {0, {}}, {10, 20, 100}, {0, 5}, error::fragment_too_large},
        refused_case{"TotalChangeBeforeGap",
                     {0, 100},
                     {50, 10, 200},
                     unlimited,
                     error::total_length_changed},
        refused_case{
            "UploadTooLargeBeforeGap", {0, {}}, {50, 10, 200}, {100, 0}, error::upload_too_large}),
    [](auto const& p) { return std::string(p.param.name); });

TEST(PlanFragment, IsDeterministicAndDoesNotDependOnHeldTotalWhenUnset) {
  upload_progress const held{0, std::nullopt};
  auto const a = plan_fragment(held, {0, 10, 20}, unlimited);
  auto const b = plan_fragment(held, {0, 10, 20}, unlimited);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(a->received_after, b->received_after);
}

// A whole upload driven through the rule, as the fragment handler would: a gap is
// answered with N and the client resends from there.
TEST(PlanFragment, DrivesAnUploadToCompletion) {
  upload_progress held;
  auto apply = [&](content_range r) {
    auto const plan = plan_fragment(held, r, {1000, 400});
    if (plan) {
      held.total = r.total;
      held.received = plan->received_after;
    }
    return plan;
  };
  EXPECT_TRUE(apply({0, 400, 1000}).has_value());
  EXPECT_EQ(apply({500, 400, 1000}).error(), make_error_code(error::range_not_contiguous));
  EXPECT_EQ(apply({400, 500, 1000}).error(), make_error_code(error::fragment_too_large));
  EXPECT_TRUE(apply({300, 400, 1000}).has_value());  // overlap of 100
  EXPECT_EQ(held.received, 700u);
  auto const last = apply({700, 300, 1000});
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->completes_upload);
  EXPECT_EQ(held.received, 1000u);
}

}  // namespace
}  // namespace bits::core
