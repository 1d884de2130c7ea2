// Fragment through upload_service::handle and fragment_job: sequences of fragments as
// clients send them (in order, resent, overlapping, with gaps, past the limits), the
// commit at the last byte, and what a failing disk leaves and answers.
#include "service_fixture.hpp"

#include <cstring>
#include <string>
#include <vector>

namespace bits::service::testing {
namespace {

/// One Fragment of the 10-byte file "f.bin" and its Ack.
struct sent_fragment {
  std::uint64_t first;
  std::string_view data;
  std::uint64_t total;
  expected_ack want;
  bool published = false;  ///< the file is published once this Ack is given
};

struct fragment_sequence {
  std::string_view name;
  std::vector<sent_fragment> fragments;
  std::optional<std::string> file;  ///< what is published at the end
  std::function<void(vdir_policy&)> configure = [](vdir_policy&) {};
};

void PrintTo(fragment_sequence const& c, std::ostream* out) {
  *out << c.name;
}

class fragments : public service_test, public ::testing::WithParamInterface<fragment_sequence> {};

TEST_P(fragments, are_acked_with_what_the_server_holds) {
  auto const& c = GetParam();
  vdir_policy p;
  c.configure(p);
  start(p);
  auto const id = created("f.bin");
  for (std::size_t i = 0; i < c.fragments.size(); ++i) {
    auto const& f = c.fragments[i];
    auto const r = fragment(id, "f.bin", f.first, f.data, f.total);
    EXPECT_TRUE(acks(r, f.want)) << "fragment " << i;
    EXPECT_EQ(r.header(core::header::session_id), id.to_string()) << "fragment " << i;
    EXPECT_EQ(published("f.bin").has_value(), f.published) << "fragment " << i;
  }
  EXPECT_EQ(published("f.bin"), c.file);
}

INSTANTIATE_TEST_SUITE_P(
    table, fragments,
    ::testing::Values(
        fragment_sequence{
            "in_order_and_committed_at_the_last_byte",
            {{0, "hello", 10, {200, no_code, 5}}, {5, "world", 10, {200, no_code, 10}, true}},
            "helloworld"},
        fragment_sequence{"whole_file_in_one_fragment",
                          {{0, "helloworld", 10, {200, no_code, 10}, true}},
                          "helloworld"},
        fragment_sequence{"resent_fragment_is_acked_without_rewriting",
                          {{0, "hello", 10, {200, no_code, 5}},
                           {0, "HELLO", 10, {200, no_code, 5}},
                           {5, "world", 10, {200, no_code, 10}, true}},
                          "helloworld"},
        fragment_sequence{"overlapping_fragment_writes_only_the_new_bytes",
                          {{0, "hello", 10, {200, no_code, 5}},
                           {3, "LOwor", 10, {200, no_code, 8}},
                           {8, "ld", 10, {200, no_code, 10}, true}},
                          "helloworld"},
        fragment_sequence{"gap_is_416_with_what_is_held",
                          {{0, "hello", 10, {200, no_code, 5}},
                           {7, "rld", 10, {416, not_contiguous, 5}},
                           {5, "world", 10, {200, no_code, 10}, true}},
                          "helloworld"},
        fragment_sequence{
            "first_fragment_past_zero_is_a_gap", {{3, "lo", 10, {416, not_contiguous, 0}}}, {}},
        fragment_sequence{
            "total_may_not_change",
            {{0, "hello", 10, {200, no_code, 5}}, {5, "world!", 11, {400, e_invalidarg, 5}}},
            {}},
        fragment_sequence{"retransmitted_last_fragment_is_acked_again",
                          {{0, "helloworld", 10, {200, no_code, 10}, true},
                           {5, "world", 10, {200, no_code, 10}, true}},
                          "helloworld"},
        fragment_sequence{"upload_over_max_upload_size",
                          {{0, "hello", 10, {500, too_large, 0}}},
                          {},
                          [](vdir_policy& p) { p.max_upload_size = 9; }},
        fragment_sequence{"upload_of_max_upload_size",
                          {{0, "helloworld", 10, {200, no_code, 10}, true}},
                          "helloworld",
                          [](vdir_policy& p) { p.max_upload_size = 10; }},
        fragment_sequence{"fragment_over_max_fragment_size_asks_to_shrink",
                          {{0, "hello", 10, {413, no_code, 0}}, {0, "hell", 10, {200, no_code, 4}}},
                          {},
                          [](vdir_policy& p) { p.max_fragment_size = 4; }},
        fragment_sequence{"declared_totals_over_max_spool_bytes",
                          {{0, "hello", 10, {500, disk_full, 0}}},
                          {},
                          [](vdir_policy& p) { p.max_spool_bytes = 9; }},
        fragment_sequence{"declared_total_would_leave_less_than_min_free_disk",
                          {{0, "hello", 10, {500, disk_full, 0}}},
                          {},
                          [](vdir_policy& p) { p.min_free_disk = (std::uint64_t{1} << 40) - 9; }}),
    [](auto const& row) { return std::string(row.param.name); });

TEST_F(service_test, fragment_for_another_session_destination_or_user_is_refused) {
  start();
  auto const id = created("f.bin", "alice");
  auto const unknown = core::parse_session_id("{01234567-89AB-CDEF-0123-456789ABCDEF}");
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(acks(fragment(*unknown, "f.bin", 0, "hello", 10, "alice"), {500, session_not_found}));
  EXPECT_TRUE(acks(fragment(id, "g.bin", 0, "hello", 10, "alice"), {500, session_not_found}));
  EXPECT_TRUE(acks(fragment(id, "f.bin", 0, "hello", 10, "bob"), {403, e_accessdenied}));
  EXPECT_TRUE(acks(fragment(id, "f.bin", 0, "hello", 10), {403, e_accessdenied}));
  EXPECT_TRUE(acks(fragment(id, "f.bin", 0, "hello", 10, "alice"), {200, no_code, 5}));
}

TEST_F(service_test, session_with_a_body_streaming_is_busy) {
  start();
  auto const id = created("f.bin");
  auto first = start_fragment(id, "f.bin", 0, 5, 10);
  ASSERT_TRUE(first.job);
  auto const second = start_fragment(id, "f.bin", 0, 5, 10);
  EXPECT_TRUE(second.busy);
  EXPECT_FALSE(second.job);
  packet close_packet;
  close_packet.type = core::packet_type::close_session;
  close_packet.session = id;
  EXPECT_TRUE(send(close_packet, "f.bin").busy);
  ASSERT_FALSE(first.job->write(bytes("hello")));
  EXPECT_TRUE(acks(first.job->finish(), {200, no_code, 5}));
  EXPECT_TRUE(acks(fragment(id, "f.bin", 5, "world", 10), {200, no_code, 10}));
}

TEST_F(service_test, body_cut_off_keeps_what_arrived) {
  start();
  auto const id = created("f.bin");
  auto out = start_fragment(id, "f.bin", 0, 10, 10);
  ASSERT_TRUE(out.job);
  ASSERT_FALSE(out.job->write(bytes("hell")));
  out.job->abort();
  out.job.reset();
  EXPECT_TRUE(acks(fragment(id, "f.bin", 6, "orld", 10), {416, not_contiguous, 4}));
  EXPECT_TRUE(acks(fragment(id, "f.bin", 0, "helloworld", 10), {200, no_code, 10}));
  EXPECT_EQ(published("f.bin"), "helloworld");
}

/// A store call that fails under a Fragment: the Ack, its cause for the request log, and
/// the resent fragment that succeeds once the disk is well again.
struct disk_failure {
  std::string_view name;
  std::string_view held;  ///< sent (at 0, of 10 bytes) before the failure
  test::store_call call;
  int err;
  char const* operation;
  sent_fragment failing;
  sent_fragment resent;
  std::string_view file;  ///< published in the end
  bool strict_sync = false;
};

void PrintTo(disk_failure const& c, std::ostream* out) {
  *out << c.name;
}

class disk_failures : public service_test, public ::testing::WithParamInterface<disk_failure> {};

TEST_P(disk_failures, answer_with_their_cause_and_keep_what_is_held) {
  auto const& c = GetParam();
  service_options o;
  if (c.strict_sync) o.sync_interval = std::chrono::seconds(0);
  start({}, o);
  auto const id = created("f.bin");
  if (!c.held.empty()) {
    ASSERT_TRUE(acks(fragment(id, "f.bin", 0, c.held, 10), {200, no_code, c.held.size()}));
  }
  fail_next(c.call, status::from_errno(c.operation, c.err));
  auto const& f = c.failing;
  auto const r = fragment(id, "f.bin", f.first, f.data, f.total);
  EXPECT_TRUE(acks(r, f.want));
  EXPECT_EQ(r.cause, std::string(c.operation) + ": " + std::strerror(c.err));
  EXPECT_FALSE(published("f.bin"));
  auto const& again = c.resent;
  EXPECT_TRUE(acks(fragment(id, "f.bin", again.first, again.data, again.total), again.want));
  EXPECT_EQ(published("f.bin"), c.file);
  EXPECT_EQ(svc_->counters().committed, 1U);
}

INSTANTIATE_TEST_SUITE_P(table, disk_failures,
                         ::testing::Values(disk_failure{"write",
                                                        "hello",
                                                        test::store_call::write_at,
                                                        ENOSPC,
                                                        "pwrite data",
                                                        {5, "world", 10, {500, disk_full, 5}},
                                                        {5, "world", 10, {200, no_code, 10}},
                                                        "helloworld"},
                                           disk_failure{"commit_at_the_last_byte",
                                                        "",
                                                        test::store_call::commit,
                                                        EIO,
                                                        "fdatasync data",
                                                        {0, "helloworld", 10, {500, e_fail, 10}},
                                                        {5, "world", 10, {200, no_code, 10}},
                                                        "helloworld"},
                                           disk_failure{"strict_sync_reports_the_bytes_held",
                                                        "",
                                                        test::store_call::sync,
                                                        ENOSPC,
                                                        "fdatasync data",
                                                        {0, "hello", 10, {500, disk_full, 5}},
                                                        {5, "world", 10, {200, no_code, 10}},
                                                        "helloworld",
                                                        true},
                                           disk_failure{"total_not_saved_is_left_open",
                                                        "",
                                                        test::store_call::save,
                                                        EIO,
                                                        "write metadata",
                                                        {0, "hello", 10, {500, e_fail, 0}},
                                                        {0, "hello!", 6, {200, no_code, 6}},
                                                        "hello!"},
                                           disk_failure{"data_file_cannot_be_opened",
                                                        "",
                                                        test::store_call::open_data,
                                                        EISDIR,
                                                        "open data file",
                                                        {0, "hello", 10, {500, e_fail, 0}},
                                                        {0, "helloworld", 10, {200, no_code, 10}},
                                                        "helloworld"}),
                         [](auto const& row) { return std::string(row.param.name); });

}  // namespace
}  // namespace bits::service::testing
