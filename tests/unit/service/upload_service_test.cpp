// Ping, Create-Session, Close-Session and Cancel-Session through upload_service::handle:
// the Ack of every success and refusal, what is left on the disk, and the replays a
// client makes when an Ack was lost.
#include "service_fixture.hpp"

#include <functional>
#include <string>
#include <vector>

namespace bits::service::testing {
namespace {

TEST_F(service_test, ping_is_acked) {
  start();
  EXPECT_TRUE(acks(ping(), {200}));
}

TEST_F(service_test, create_session_answers_protocol_session_id_and_encoding) {
  start();
  auto const r = create("a.bin");
  ASSERT_TRUE(acks(r, {200}));
  EXPECT_EQ(r.header(core::header::protocol), core::upload_protocol_guid);
  EXPECT_EQ(r.header(core::header::accept_encoding), "identity");
  auto const id = core::parse_session_id(r.header(core::header::session_id).value_or(""));
  ASSERT_TRUE(id);
  EXPECT_TRUE(in_spool(*id));
  EXPECT_FALSE(r.header(core::header::host_id));
  EXPECT_EQ(svc_->open_sessions(), 1U);
}

TEST_F(service_test, create_session_names_the_host_id_when_configured) {
  vdir_policy p;
  p.host_id = "node-7";
  p.host_id_fallback_timeout = std::chrono::seconds(120);
  start(p);
  auto const r = create("a.bin");
  ASSERT_TRUE(acks(r, {200}));
  EXPECT_EQ(r.header(core::header::host_id), "node-7");
  EXPECT_EQ(r.header(core::header::host_id_fallback_timeout), "120");
}

TEST_F(service_test, every_session_gets_its_own_id) {
  start();
  EXPECT_NE(created("a.bin"), created("a.bin"));
}

/// A Create-Session that is refused.
struct refused_create {
  std::string_view name;
  std::string path;
  /// Starts the service and prepares the disk.
  std::function<void(service_test&)> arrange;
  expected_ack want;
  std::string_view cause = {};  ///< reply::cause, for the request log
  std::string_view protocols = core::upload_protocol_guid;
};

void start_default(service_test& fixture) {
  fixture.start();
}

void PrintTo(refused_create const& c, std::ostream* out) {
  *out << c.name;
}

class create_refused : public service_test, public ::testing::WithParamInterface<refused_create> {};

TEST_P(create_refused, with_its_error_and_nothing_left_behind) {
  auto const& c = GetParam();
  c.arrange(*this);
  auto const r = create(c.path, {}, "10.0.0.1:40000", c.protocols);
  EXPECT_TRUE(acks(r, c.want));
  EXPECT_EQ(r.cause, c.cause);
  EXPECT_FALSE(r.header(core::header::session_id));
  EXPECT_EQ(svc_->open_sessions(), 0U);
  std::lock_guard lock(disk_->mu);
  EXPECT_TRUE(disk_->spool.empty());
}

INSTANTIATE_TEST_SUITE_P(
    table, create_refused,
    ::testing::Values(
        refused_create{"no_common_protocol",
                       "a.bin",
                       start_default,
                       {400, e_invalidarg},
                       {},
                       "{00000000-0000-0000-0000-000000000000}"},
        refused_create{"the_directory_itself", "", start_default, {400, e_invalidarg}},
        refused_create{"folder_missing", "missing/a.bin", start_default, {404, path_not_found}},
        refused_create{"destination_is_a_folder",
                       "dir",
                       [](service_test& fixture) {
                         fixture.start();
                         fixture.make_folder("dir");
                       },
                       {400, e_invalidarg}},
        refused_create{"file_exists_without_overwrites",
                       "taken.bin",
                       [](service_test& fixture) {
                         fixture.start();
                         fixture.publish("taken.bin", "old");
                       },
                       {403, e_accessdenied}},
        refused_create{"disk_below_min_free_disk",
                       "a.bin",
                       [](service_test& fixture) {
                         vdir_policy p;
                         p.min_free_disk = std::uint64_t{1} << 41;  // the disk has 2^40
                         fixture.start(p);
                       },
                       {500, disk_full}},
        refused_create{"spool_entry_cannot_be_created",
                       "a.bin",
                       [](service_test& fixture) {
                         fixture.start();
                         fixture.fail_next(test::store_call::create,
                                           status::from_errno("create spool entry", EIO));
                       },
                       {500, e_fail},
                       "create spool entry: Input/output error"},
        refused_create{"strict_sync_cannot_save",
                       "a.bin",
                       [](service_test& fixture) {
                         service_options o;
                         o.sync_interval = std::chrono::seconds(0);
                         fixture.start({}, o);
                         fixture.fail_next(test::store_call::save,
                                           status::from_errno("fdatasync metadata", ENOSPC));
                       },
                       {500, disk_full},
                       "fdatasync metadata: No space left on device"}),
    [](auto const& row) { return std::string(row.param.name); });

TEST_F(service_test, existing_file_is_no_refusal_with_overwrites_allowed) {
  vdir_policy p;
  p.allow_overwrites = true;
  start(p);
  publish("taken.bin", "old");
  auto const id = created("taken.bin");
  ASSERT_TRUE(acks(fragment(id, "taken.bin", 0, "new", 3), {200, no_code, 3}));
  EXPECT_EQ(published("taken.bin"), "new");
}

/// What the client sent before the packets under test: nothing, part of the 10-byte
/// file, or all of it.
enum class sent { nothing, part, all };

/// A Close-Session or Cancel-Session and the Ack it gets.
struct end_step {
  core::packet_type packet;
  expected_ack want;
};

struct ending {
  std::string_view name;
  sent before;
  std::vector<end_step> steps;
  std::optional<std::string> file;  ///< what is published at the end
};

constexpr auto close_packet = core::packet_type::close_session;
constexpr auto cancel_packet = core::packet_type::cancel_session;

void PrintTo(ending const& c, std::ostream* out) {
  *out << c.name;
}

class session_ending : public service_test, public ::testing::WithParamInterface<ending> {};

TEST_P(session_ending, acks_and_leaves_the_disk_as_the_client_expects) {
  auto const& c = GetParam();
  start();
  auto const id = created("f.bin");
  if (c.before != sent::nothing) {
    std::string_view const data = c.before == sent::all ? "helloworld" : "hello";
    ASSERT_TRUE(acks(fragment(id, "f.bin", 0, data, 10), {200, no_code, data.size()}));
  }
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    auto const r = end_session(c.steps[i].packet, id, "f.bin");
    EXPECT_TRUE(acks(r, c.steps[i].want)) << "step " << i;
    if (r.status == 200) {
      EXPECT_EQ(r.header(core::header::session_id), id.to_string()) << "step " << i;
    }
  }
  EXPECT_EQ(published("f.bin"), c.file);
  EXPECT_FALSE(in_spool(id));
  EXPECT_EQ(svc_->open_sessions(), 0U);
}

INSTANTIATE_TEST_SUITE_P(
    table, session_ending,
    ::testing::Values(
        ending{"close_after_the_last_byte", sent::all, {{close_packet, {200}}}, "helloworld"},
        ending{"close_without_a_fragment_publishes_an_empty_file",
               sent::nothing,
               {{close_packet, {200}}},
               ""},
        ending{"close_of_a_partial_upload_discards_it", sent::part, {{close_packet, {200}}}, {}},
        ending{"cancel_of_a_partial_upload", sent::part, {{cancel_packet, {200}}}, {}},
        ending{"cancel_after_the_last_byte_keeps_the_file",
               sent::all,
               {{cancel_packet, {200}}},
               "helloworld"},
        ending{"close_replayed",
               sent::all,
               {{close_packet, {200}}, {close_packet, {200}}},
               "helloworld"},
        ending{"cancel_replayed", sent::part, {{cancel_packet, {200}}, {cancel_packet, {200}}}, {}},
        ending{"cancel_after_close",
               sent::all,
               {{close_packet, {200}}, {cancel_packet, {200}}},
               "helloworld"},
        ending{"close_after_cancel_is_not_found",
               sent::part,
               {{cancel_packet, {200}}, {close_packet, {500, session_not_found}}},
               {}}),
    [](auto const& row) { return std::string(row.param.name); });

TEST_F(service_test, close_and_cancel_of_an_unknown_session_are_not_found) {
  start();
  auto const unknown = core::parse_session_id("{01234567-89AB-CDEF-0123-456789ABCDEF}");
  ASSERT_TRUE(unknown);
  auto const closed = close(*unknown, "f.bin");
  EXPECT_TRUE(acks(closed, {500, session_not_found}));
  EXPECT_EQ(closed.header(core::header::session_id), unknown->to_string());
  EXPECT_FALSE(closed.header(core::header::received_content_range));
  EXPECT_TRUE(acks(cancel(*unknown, "f.bin"), {500, session_not_found}));
}

TEST_F(service_test, empty_upload_onto_a_file_that_appeared_meanwhile_is_refused_at_close) {
  start();
  auto const id = created("f.bin");
  publish("f.bin", "someone else's");
  EXPECT_TRUE(acks(close(id, "f.bin"), {403, e_accessdenied, 0}));
  EXPECT_EQ(published("f.bin"), "someone else's");
  EXPECT_TRUE(acks(cancel(id, "f.bin"), {200}));
}

TEST_F(service_test, replays_are_answered_from_tombstones_until_tombstone_ttl) {
  service_options o;
  o.tombstone_ttl = std::chrono::seconds(60);
  start({}, o);
  auto const id = created("f.bin");
  ASSERT_TRUE(acks(close(id, "f.bin"), {200}));
  advance(60);
  maintain();
  EXPECT_TRUE(acks(close(id, "f.bin"), {200}));
  advance(1);
  maintain();
  EXPECT_TRUE(acks(close(id, "f.bin"), {500, session_not_found}));
}

TEST_F(service_test, tombstones_survive_a_restart) {
  start();
  auto const closed = created("a.bin");
  auto const cancelled = created("b.bin");
  ASSERT_TRUE(acks(close(closed, "a.bin"), {200}));
  ASSERT_TRUE(acks(cancel(cancelled, "b.bin"), {200}));
  start();
  ASSERT_TRUE(svc_->recover());
  EXPECT_TRUE(acks(close(closed, "a.bin"), {200}));
  EXPECT_TRUE(acks(cancel(cancelled, "b.bin"), {200}));
  EXPECT_TRUE(acks(close(cancelled, "b.bin"), {500, session_not_found}));
}

}  // namespace
}  // namespace bits::service::testing
