// Start-up recovery: what a session reports after a process crash (same boot) or a
// reboot, and how broken or foreign spool entries are cleaned up.
#include "storage/fs_store.hpp"

#include "store_fixture.hpp"

#include <fcntl.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <string>

namespace bits::storage::testing {
namespace {

class RecoverTest : public StoreTest {
 protected:
  std::optional<detail::stored_metadata> stored(core::session_id const& id) const {
    detail::unique_fd const dir{::open(entry(id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (!dir) return std::nullopt;
    auto current = detail::read_metadata(dir.get());
    if (!current) return std::nullopt;
    return std::move(current->meta);
  }

  /// Pretends the metadata was written during another boot of the machine.
  void set_boot_id(core::session_id const& id, std::string boot_id) {
    auto meta = stored(id);
    ASSERT_TRUE(meta);
    meta->boot_id = std::move(boot_id);
    write_metadata(id, *meta);
  }

  /// Restarts the store and recovers; fails the test if the spool cannot be read.
  recovery_report restart() {
    open_store();
    auto report = store_->recover();
    EXPECT_TRUE(report);
    return report ? *report : recovery_report{};
  }

  /// Creates a receiving session of `total` bytes holding `durable` bytes synced and
  /// saved durably, then `more` bytes written and saved without sync.
  session_record durable_then_more(std::string_view durable, std::string_view more,
                                   std::uint64_t total) {
    auto r = make_record("f.bin");
    r.total = total;
    EXPECT_FALSE(store_->create(r));
    write(r.id, 0, durable);
    auto w = store_->open_data(r.id);
    EXPECT_TRUE(w && !(*w)->sync());
    r.received = durable.size();
    EXPECT_FALSE(store_->save(r, true));
    write(r.id, durable.size(), more);
    r.received += more.size();
    EXPECT_FALSE(store_->save(r, false));
    return r;
  }
};

TEST(BootId, IsReadFromTheKernel) {
  auto const id = detail::read_boot_id();
  EXPECT_EQ(id.size(), 36U) << id;  // a UUID; empty only where /proc is missing
}

TEST_F(RecoverTest, SameBootCountsBytesWrittenAfterTheLastSave) {
  auto r = make_record("f.bin");
  r.total = 100;
  ASSERT_FALSE(store_->create(r));
  write(r.id, 0, "0123456789");
  r.received = 10;
  ASSERT_FALSE(store_->save(r, false));
  write(r.id, 10, "abcde");  // then the process is killed before the next save
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_TRUE(report.discarded.empty());
  EXPECT_EQ(report.sessions[0].id, r.id);
  EXPECT_EQ(report.sessions[0].received, 15U);
  EXPECT_EQ(report.sessions[0].total, 100U);
  EXPECT_EQ(report.sessions[0].state, session_state::receiving);
  EXPECT_EQ(read_file(entry(r.id) / "data"), "0123456789abcde");
}

TEST_F(RecoverTest, SameBootNeverReportsMoreThanTheTotal) {
  auto const r = durable_then_more("0123456789", "xyz", 10);
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].received, 10U);
  EXPECT_EQ(fs::file_size(entry(r.id) / "data"), 10U);
}

TEST_F(RecoverTest, AfterARebootOnlyDurableBytesCountAndTheFileIsCut) {
  auto const r = durable_then_more("0123456789", "abcde", 100);
  auto const meta = stored(r.id);
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->durable, 10U);  // the unsynced save kept the durable offset
  EXPECT_EQ(meta->record.received, 15U);
  set_boot_id(r.id, "00000000-0000-0000-0000-000000000000");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].received, 10U);
  EXPECT_EQ(read_file(entry(r.id) / "data"), "0123456789");
}

// The background sync's batch: one spool sync for the data of every due session, their
// saves claiming those offsets, a second spool sync. After a reboot each session reports
// the offset of its batch, and later unsynced saves keep claiming it.
TEST_F(RecoverTest, AfterARebootASessionReportsTheOffsetItsBatchSyncSaved) {
  auto a = make_record("a.bin");
  auto b = make_record("b.bin");
  for (auto* r : {&a, &b}) {
    r->total = 100;
    ASSERT_FALSE(store_->create(*r));
  }
  ASSERT_TRUE(store_->syncs_spool_at_once());
  write(a.id, 0, "0123456789");
  write(b.id, 0, "abc");
  ASSERT_FALSE(store_->sync_spool());
  a.received = 10;
  b.received = 3;
  ASSERT_FALSE(store_->save_after_spool_sync(a));
  ASSERT_FALSE(store_->save_after_spool_sync(b));
  ASSERT_FALSE(store_->sync_spool());
  write(a.id, 10, "xyz");  // received after the batch, saved without a sync
  a.received = 13;
  ASSERT_FALSE(store_->save(a, false));
  EXPECT_EQ(stored(a.id)->durable, 10U);
  EXPECT_EQ(stored(b.id)->durable, 3U);
  set_boot_id(a.id, "00000000-0000-0000-0000-000000000000");
  set_boot_id(b.id, "00000000-0000-0000-0000-000000000000");
  auto report = restart();
  ASSERT_EQ(report.sessions.size(), 2U);
  std::sort(report.sessions.begin(), report.sessions.end(),
            [](auto const& x, auto const& y) { return x.destination < y.destination; });
  EXPECT_EQ(report.sessions[0].received, 10U);
  EXPECT_EQ(report.sessions[1].received, 3U);
  EXPECT_EQ(read_file(entry(a.id) / "data"), "0123456789");
  EXPECT_EQ(read_file(entry(b.id) / "data"), "abc");
}

TEST_F(RecoverTest, ATornMetadataSaveFallsBackToThePreviousVersion) {
  // Versions: 1 (create) in the first slot, 2 (durable, 10 bytes) in the second,
  // 3 (15 bytes, not synced) in the first again; then version 3 is damaged, as a power
  // cut in the middle of its write would leave it.
  auto const r = durable_then_more("0123456789", "abcde", 100);
  ASSERT_EQ(stored(r.id)->record.received, 15U);
  {
    std::fstream f{entry(r.id) / "meta.json", std::ios::binary | std::ios::in | std::ios::out};
    f.seekp(60);
    f.put('#');
  }
  auto const meta = stored(r.id);
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->record.received, 10U);  // version 2
  EXPECT_EQ(meta->durable, 10U);
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U) << (report.discarded.empty() ? "" : report.discarded[0]);
  EXPECT_EQ(report.sessions[0].total, 100U);
  EXPECT_EQ(report.sessions[0].received, 15U);  // same boot: the data file's size counts
}

TEST_F(RecoverTest, UnknownBootIdIsTreatedAsAReboot) {
  auto const r = durable_then_more("0123", "4567", 8);
  set_boot_id(r.id, "");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].received, 4U);
  EXPECT_EQ(fs::file_size(entry(r.id) / "data"), 4U);
}

TEST_F(RecoverTest, DurableOffsetSurvivesARestartBeforeTheNextSave) {
  auto r = durable_then_more("0123", "45", 100);
  restart();  // the new store has not seen the session's durable offset itself
  write(r.id, 6, "67");
  r.received = 8;
  ASSERT_FALSE(store_->save(r, false));
  auto const meta = stored(r.id);
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->durable, 4U);
  set_boot_id(r.id, "other");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].received, 4U);
}

TEST_F(RecoverTest, RecoveredSessionContinuesAndCommits) {
  auto r = durable_then_more("01234", "garbage", 10);
  set_boot_id(r.id, "other");
  auto report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  r = report.sessions[0];
  ASSERT_EQ(r.received, 5U);
  write(r.id, r.received, "56789");
  r.received = 10;
  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "f.bin"), "0123456789");
}

TEST_F(RecoverTest, CompleteSessionsAreRecoveredAsSaved) {
  auto r = make_record("done.bin");
  r.destination = "done \xff\xfe.bin";  // not UTF-8: must survive the JSON round trip
  r.principal = "DOMAIN\\user";
  r.total = 3;
  r.last_activity = 1'700'000'123;
  ASSERT_FALSE(store_->create(r));
  write(r.id, 0, "abc");
  r.received = 3;
  ASSERT_FALSE(store_->commit(r, false));
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  auto const& got = report.sessions[0];
  EXPECT_EQ(got.state, session_state::complete);
  EXPECT_EQ(got.received, 3U);
  EXPECT_EQ(got.total, 3U);
  EXPECT_EQ(got.destination, r.destination);
  EXPECT_EQ(got.principal, r.principal);
  EXPECT_EQ(got.created, r.created);
  EXPECT_EQ(got.last_activity, r.last_activity);
  EXPECT_EQ(read_file(root_ / r.destination), "abc");
}

TEST_F(RecoverTest, CorruptMetadataIsRemovedAndReported) {
  auto const good = durable_then_more("ab", "", 2);
  auto const bad = make_record("bad.bin");
  ASSERT_FALSE(store_->create(bad));
  write_file(entry(bad.id) / "meta.json", "{\"version\": 1, \"id\": tru");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].id, good.id);
  ASSERT_EQ(report.discarded.size(), 1U);
  EXPECT_NE(report.discarded[0].find(bad.id.to_hex()), std::string::npos) << report.discarded[0];
  EXPECT_NE(report.discarded[0].find("metadata invalid"), std::string::npos);
  EXPECT_FALSE(fs::exists(entry(bad.id)));
}

TEST_F(RecoverTest, MissingMetadataOrForeignMetadataIsRemoved) {
  auto const a = make_record("a.bin");
  auto const b = make_record("b.bin");
  ASSERT_FALSE(store_->create(a));
  ASSERT_FALSE(store_->create(b));
  fs::copy_file(entry(a.id) / "meta.json", entry(b.id) / "meta.json",
                fs::copy_options::overwrite_existing);
  auto const c = make_record("c.bin");
  ASSERT_FALSE(store_->create(c));
  fs::remove(entry(c.id) / "meta.json");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].id, a.id);
  EXPECT_EQ(report.discarded.size(), 2U);
  EXPECT_FALSE(fs::exists(entry(b.id)));
  EXPECT_FALSE(fs::exists(entry(c.id)));
}

TEST_F(RecoverTest, ReceivingSessionWithoutDataIsRemoved) {
  auto const r = make_record("a.bin");
  ASSERT_FALSE(store_->create(r));
  fs::remove(entry(r.id) / "data");
  auto const report = restart();
  EXPECT_TRUE(report.sessions.empty());
  ASSERT_EQ(report.discarded.size(), 1U);
  EXPECT_NE(report.discarded[0].find("data file missing"), std::string::npos);
  EXPECT_FALSE(fs::exists(entry(r.id)));
}

TEST_F(RecoverTest, StrayEntriesAreRemovedAndReported) {
  auto const r = make_record("a.bin");
  ASSERT_FALSE(store_->create(r));
  std::string lower = r.id.to_hex();
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  fs::create_directory(spool_ / "not-a-session");
  write_file(spool_ / "not-a-session" / "x", "x");
  fs::create_directory(spool_ / lower);
  write_file(spool_ / "junk", "y");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.discarded.size(), 3U);
  EXPECT_FALSE(fs::exists(spool_ / "not-a-session"));
  EXPECT_FALSE(fs::exists(spool_ / lower));
  EXPECT_FALSE(fs::exists(spool_ / "junk"));
  EXPECT_TRUE(fs::exists(entry(r.id)));
}

TEST_F(RecoverTest, StrayFileInAnEntryIsLeftUntilTheSessionEnds) {
  auto const r = durable_then_more("abc", "", 3);
  write_file(entry(r.id) / "stray", "{\"half\": ");
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_TRUE(report.discarded.empty());
  EXPECT_EQ(report.sessions[0].received, 3U);
  EXPECT_FALSE(store_->discard(r.id));
  EXPECT_FALSE(fs::exists(entry(r.id)));
}

TEST_F(RecoverTest, PlainJsonMetadataIsDiscarded) {
  auto const r = durable_then_more("abc", "", 3);
  auto meta = stored(r.id);
  ASSERT_TRUE(meta);
  write_file(entry(r.id) / "meta.json", detail::encode_metadata(*meta));
  auto const report = restart();
  EXPECT_TRUE(report.sessions.empty());
  ASSERT_EQ(report.discarded.size(), 1U);
  EXPECT_NE(report.discarded[0].find("metadata invalid"), std::string::npos) << report.discarded[0];
  EXPECT_FALSE(fs::exists(entry(r.id)));
}

TEST_F(RecoverTest, EmptySpoolRecoversNothing) {
  auto const report = restart();
  EXPECT_TRUE(report.sessions.empty());
  EXPECT_TRUE(report.discarded.empty());
}

}  // namespace
}  // namespace bits::storage::testing
