// The filesystem upload_store on a real filesystem: sessions from create to commit,
// overwrite rules, discard, and open_fs_store's checks.
#include "storage/upload_store.hpp"

#include "store_fixture.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <string>

namespace bits::storage::testing {
namespace {

TEST_F(StoreTest, CreateWriteCommitRoundTrip) {
  fs::create_directory(root_ / "sub");
  auto r = make_record("sub/file.bin");
  ASSERT_FALSE(store_->create(r));
  {
    auto w = store_->open_data(r.id);
    ASSERT_TRUE(w);
    std::string const first = "hello ";
    std::string const second = "world";
    ASSERT_FALSE((*w)->write_at(0, std::as_bytes(std::span{first})));
    ASSERT_FALSE((*w)->write_at(6, std::as_bytes(std::span{second})));
    ASSERT_FALSE((*w)->sync());
  }
  r.total = 11;
  r.received = 11;
  ASSERT_FALSE(store_->save(r, true));
  EXPECT_FALSE(fs::exists(root_ / "sub" / "file.bin"));  // nothing published before commit

  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "sub" / "file.bin"), "hello world");
  // Only the metadata is left in the spool, and it says complete.
  EXPECT_FALSE(fs::exists(entry(r.id) / "data"));
  EXPECT_TRUE(fs::exists(entry(r.id) / "meta.json"));
  EXPECT_NE(read_file(entry(r.id) / "meta.json").find("\"complete\""), std::string::npos);
}

TEST_F(StoreTest, LargeWriteLandsByteForByte) {
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
  auto r = create_with("big.bin", data);
  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "big.bin"), data);
}

TEST_F(StoreTest, CreateMakesEntryWithEmptyDataAndMetadata) {
  auto const r = make_record("x.bin");
  ASSERT_FALSE(store_->create(r));
  EXPECT_TRUE(fs::is_directory(entry(r.id)));
  EXPECT_EQ(fs::file_size(entry(r.id) / "data"), 0U);
  EXPECT_TRUE(fs::is_regular_file(entry(r.id) / "meta.json"));
  EXPECT_FALSE(fs::exists(entry(r.id) / "meta.json.tmp"));
}

TEST_F(StoreTest, SavesRewriteTheMetadataInPlace) {
  auto r = make_record("x.bin");
  ASSERT_FALSE(store_->create(r));
  auto const inode = [&] {
    struct stat st {};
    EXPECT_EQ(::stat((entry(r.id) / "meta.json").c_str(), &st), 0);
    return st.st_ino;
  };
  auto const first = inode();
  r.total = 10;
  for (std::uint64_t n = 1; n <= 4; ++n) {
    write(r.id, n - 1, "x");
    r.received = n;
    ASSERT_FALSE(store_->save(r, n % 2 == 0));
  }
  // No new file per save (no inode allocated, no rename), nothing left beside it.
  EXPECT_EQ(inode(), first);
  EXPECT_FALSE(fs::exists(entry(r.id) / "meta.json.tmp"));
  open_store();
  auto const report = store_->recover();
  ASSERT_TRUE(report);
  ASSERT_EQ(report->sessions.size(), 1U);
  EXPECT_EQ(report->sessions[0].received, 4U);
  EXPECT_EQ(report->sessions[0].total, 10U);
}

TEST_F(StoreTest, SpoolIsCreatedPrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(spool_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077U, 0U);
}

TEST_F(StoreTest, CreatingTheSameIdTwiceFailsAndSaysWhy) {
  auto const r = make_record("x.bin");
  ASSERT_FALSE(store_->create(r));
  auto const again = store_->create(r);
  EXPECT_EQ(again, error::storage_failure);
  EXPECT_EQ(errno_of(again), EEXIST);
  EXPECT_EQ(again.why().operation, "create spool entry");
}

TEST_F(StoreTest, ZeroByteSessionCommitsEmptyFile) {
  auto r = make_record("empty.bin");
  r.total = 0;
  ASSERT_FALSE(store_->create(r));
  ASSERT_FALSE(store_->commit(r, false));
  ASSERT_TRUE(fs::is_regular_file(root_ / "empty.bin"));
  EXPECT_EQ(fs::file_size(root_ / "empty.bin"), 0U);
}

TEST_F(StoreTest, CommitRefusesExistingFileWithoutOverwrite) {
  write_file(root_ / "taken.bin", "old");
  auto const r = create_with("taken.bin", "new bytes");
  EXPECT_EQ(store_->check_destination("taken.bin", false), error::destination_exists);
  EXPECT_EQ(store_->commit(r, false), error::destination_exists);
  EXPECT_EQ(read_file(root_ / "taken.bin"), "old");
  // The session's bytes are still in the spool: a later commit may succeed.
  EXPECT_EQ(read_file(entry(r.id) / "data"), "new bytes");
}

TEST_F(StoreTest, CommitReplacesExistingFileWithOverwrite) {
  write_file(root_ / "taken.bin", "old content, longer");
  auto const r = create_with("taken.bin", "new");
  EXPECT_FALSE(store_->check_destination("taken.bin", true));
  ASSERT_FALSE(store_->commit(r, true));
  EXPECT_EQ(read_file(root_ / "taken.bin"), "new");
}

TEST_F(StoreTest, CheckDestinationAcceptsNewNames) {
  fs::create_directories(root_ / "a" / "b");
  EXPECT_FALSE(store_->check_destination("new.bin", false));
  EXPECT_FALSE(store_->check_destination("a/b/new.bin", false));
}

TEST_F(StoreTest, MissingParentIsReported) {
  EXPECT_EQ(store_->check_destination("nope/x.bin", false), error::parent_not_found);
  EXPECT_EQ(store_->check_destination("nope/deeper/x.bin", true), error::parent_not_found);
  auto const r = create_with("nope/x.bin", "abc");
  EXPECT_EQ(store_->commit(r, false), error::parent_not_found);
  EXPECT_FALSE(fs::exists(root_ / "nope"));
}

TEST_F(StoreTest, ParentRemovedBeforeCommitIsReported) {
  fs::create_directory(root_ / "gone");
  ASSERT_FALSE(store_->check_destination("gone/x.bin", false));
  auto const r = create_with("gone/x.bin", "abc");
  fs::remove(root_ / "gone");
  EXPECT_EQ(store_->commit(r, false), error::parent_not_found);
}

TEST_F(StoreTest, DirectoryIsNotADestination) {
  fs::create_directory(root_ / "dir");
  EXPECT_EQ(store_->check_destination("dir", false), error::destination_is_directory);
  EXPECT_EQ(store_->check_destination("dir", true), error::destination_is_directory);
  EXPECT_EQ(store_->check_destination("", true), error::destination_is_directory);
  auto const r = create_with("dir", "abc");
  EXPECT_EQ(store_->commit(r, true), error::destination_is_directory);
  EXPECT_TRUE(fs::is_directory(root_ / "dir"));
}

TEST_F(StoreTest, CommitPublishesOnlyAcknowledgedBytes) {
  auto r = create_with("tail.bin", "0123456789");
  write(r.id, 10, "unacked");
  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "tail.bin"), "0123456789");
}

TEST_F(StoreTest, CommitRefusesDataShorterThanReceived) {
  auto r = create_with("short.bin", "0123");
  r.received = 10;
  r.total = 10;
  auto const failed = store_->commit(r, false);
  EXPECT_EQ(failed, error::storage_failure);
  EXPECT_EQ(errno_of(failed), EIO);
  EXPECT_EQ(failed.why().operation, "data file shorter than received");
  EXPECT_FALSE(fs::exists(root_ / "short.bin"));
}

TEST_F(StoreTest, OpenDataOfUnknownSessionIsNotFound) {
  auto const w = store_->open_data(next_id());
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), error::session_not_found);
}

TEST_F(StoreTest, DiscardRemovesEverythingAndIsIdempotent) {
  auto const r = create_with("x.bin", "abc");
  write_file(entry(r.id) / "unexpected", "someone left this");
  ASSERT_FALSE(store_->discard(r.id));
  EXPECT_FALSE(fs::exists(entry(r.id)));
  EXPECT_FALSE(store_->discard(r.id));
  EXPECT_FALSE(store_->discard(next_id()));  // never created
  auto const w = store_->open_data(r.id);
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), error::session_not_found);
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(StoreTest, DiscardAfterCommitLeavesThePublishedFile) {
  auto const r = create_with("kept.bin", "abc");
  ASSERT_FALSE(store_->commit(r, false));
  ASSERT_FALSE(store_->discard(r.id));
  EXPECT_FALSE(fs::exists(entry(r.id)));
  EXPECT_EQ(read_file(root_ / "kept.bin"), "abc");
}

TEST(OpenFsStore, RefusesMissingRoot) {
  auto const r = open_fs_store("/nonexistent-openbits-root", "/nonexistent-openbits-spool", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), error::storage_failure);
  auto const why = r.error().why().text();
  EXPECT_NE(why.find("/nonexistent-openbits-root"), std::string::npos) << why;
}

TEST_F(StoreTest, OpenRefusesRootThatIsAFile) {
  write_file(dir_ / "file", "x");
  auto const r = open_fs_store((dir_ / "file").string(), spool_.string(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), error::storage_failure);
  auto const why = r.error().why().text();
  EXPECT_NE(why.find("root"), std::string::npos) << why;
}

TEST_F(StoreTest, OpenRefusesSpoolWhoseParentIsMissing) {
  auto const r = open_fs_store(root_.string(), (dir_ / "no" / "spool").string(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), error::storage_failure);
  EXPECT_EQ(errno_of(r.error()), ENOENT);
  auto const why = r.error().why().text();
  EXPECT_NE(why.find("spool"), std::string::npos) << why;
}

TEST_F(StoreTest, OpenRefusesSpoolThatIsTheRoot) {
  auto const r = open_fs_store(root_.string(), root_.string(), {});
  ASSERT_FALSE(r);
  auto const why = r.error().why().text();
  EXPECT_NE(why.find("root itself"), std::string::npos) << why;
}

TEST_F(StoreTest, OpenAcceptsSpoolInsideRootOnTheSameFilesystem) {
  spool_ = root_ / ".bits-spool";
  open_store();
  EXPECT_TRUE(fs::is_directory(spool_));
  auto const r = create_with("f.bin", "xyz");
  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(read_file(root_ / "f.bin"), "xyz");
}

}  // namespace
}  // namespace bits::storage::testing
