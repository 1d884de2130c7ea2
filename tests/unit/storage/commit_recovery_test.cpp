// A commit cut short by a crash, at each of its steps: recovery keeps every byte of a
// data file that commit had linked (never cutting it, even after a reboot, since it may
// be the published file), and commit() called again finishes the publication.
#include "storage/fs_store.hpp"

#include "store_fixture.hpp"

#include <fcntl.h>

namespace bits::storage::testing {
namespace {

class CommitRecovery : public StoreTest {
 protected:
  /// A receiving session of "0123456789abcde" whose metadata holds only the first
  /// 10 bytes as durable, written during another boot (as after a power cut).
  session_record synced_upload() {
    auto r = make_record("f.bin");
    r.total = data.size();
    EXPECT_FALSE(store_->create(r));
    write(r.id, 0, data);
    r.received = 10;
    EXPECT_FALSE(store_->save(r, true));
    r.received = data.size();
    return r;
  }

  void pretend_other_boot(core::session_id const& id) {
    detail::unique_fd const dir{::open(entry(id).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    auto current = detail::read_metadata(dir.get());
    ASSERT_TRUE(current);
    current->meta.boot_id = "00000000-0000-0000-0000-000000000000";
    write_metadata(id, current->meta);
  }

  recovery_report restart() {
    open_store();
    auto report = store_->recover();
    EXPECT_TRUE(report);
    return report ? *report : recovery_report{};
  }

  std::string const data = "0123456789abcde";
};

TEST_F(CommitRecovery, LinkedFileIsHeldWholeAfterARebootAndCommitFinishes) {
  auto r = synced_upload();
  fs::create_hard_link(entry(r.id) / "data", root_ / "f.bin");  // commit got this far
  pretend_other_boot(r.id);
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].state, session_state::receiving);
  EXPECT_EQ(report.sessions[0].received, data.size());
  EXPECT_EQ(read_file(root_ / "f.bin"), data) << "the published file was cut";
  // The resent last fragment commits again: the destination is already this file.
  EXPECT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "f.bin"), data);
  EXPECT_FALSE(fs::exists(entry(r.id) / "data"));
  auto const after = restart();
  ASSERT_EQ(after.sessions.size(), 1U);
  EXPECT_EQ(after.sessions[0].state, session_state::complete);
}

TEST_F(CommitRecovery, LinkBesideTheDestinationIsRemovedAndCommitRedone) {
  auto r = synced_upload();
  auto const temp = root_ / (".bits-commit-" + r.id.to_hex());
  fs::create_hard_link(entry(r.id) / "data", temp);  // killed before the rename
  pretend_other_boot(r.id);
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].received, data.size());
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_FALSE(fs::exists(root_ / "f.bin"));
  EXPECT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "f.bin"), data);
  EXPECT_FALSE(fs::exists(temp));
}

TEST_F(CommitRecovery, OverwriteLinkBesideTheDestinationIsRemovedAndCommitRedone) {
  write_file(root_ / "f.bin", "an older file");
  auto r = synced_upload();
  auto const temp = root_ / (".bits-commit-" + r.id.to_hex());
  fs::create_hard_link(entry(r.id) / "data", temp);  // killed before the rename
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].received, data.size());
  EXPECT_FALSE(fs::exists(temp));
  EXPECT_EQ(read_file(root_ / "f.bin"), "an older file");
  EXPECT_FALSE(store_->commit(r, true));
  EXPECT_EQ(read_file(root_ / "f.bin"), data);
  EXPECT_FALSE(fs::exists(temp));
}

TEST_F(CommitRecovery, CommitReplacesALeftoverTemporaryName) {
  auto r = synced_upload();
  auto const temp = root_ / (".bits-commit-" + r.id.to_hex());
  write_file(temp, "left by an earlier try");
  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "f.bin"), data);
  EXPECT_FALSE(fs::exists(temp));
}

TEST_F(CommitRecovery, SpoolNameLeftAfterTheCompleteSaveIsRemoved) {
  auto r = synced_upload();
  ASSERT_FALSE(store_->commit(r, false));
  fs::create_hard_link(root_ / "f.bin", entry(r.id) / "data");  // the unlink was lost
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(report.sessions[0].state, session_state::complete);
  EXPECT_FALSE(fs::exists(entry(r.id) / "data"));
  EXPECT_EQ(read_file(root_ / "f.bin"), data);
}

// Upload-reply sessions complete without a copy keep their request in the spool.
TEST_F(CommitRecovery, CompleteSessionKeepsADataFileWithOneName) {
  auto r = synced_upload();
  r.state = session_state::complete;
  ASSERT_FALSE(store_->save(r, true));
  auto const report = restart();
  ASSERT_EQ(report.sessions.size(), 1U);
  EXPECT_EQ(read_file(entry(r.id) / "data"), data);
}

TEST_F(CommitRecovery, AFileOfSomeoneElseAtTheDestinationIsNotTakenForOurs) {
  auto r = synced_upload();
  write_file(root_ / "f.bin", data);  // same bytes, another file
  EXPECT_EQ(store_->commit(r, false), make_error_code(error::destination_exists));
}

}  // namespace
}  // namespace bits::storage::testing
