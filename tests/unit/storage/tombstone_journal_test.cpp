// The tombstone journal: records that detect damage, tombstones that outlive the store,
// torn tails skipped, and whole segments deleted once past the ttl.
#include "storage/tombstone_journal.hpp"

#include "store_fixture.hpp"

#include <algorithm>

namespace bits::storage::testing {
namespace {

std::vector<fs::path> segments(fs::path const& spool) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto const& e : fs::directory_iterator(spool / "tombstones", ec)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool same(tombstone_record const& a, tombstone_record const& b) {
  return a.id == b.id && a.how == b.how && a.at == b.at;
}

using TombstoneJournal = StoreTest;

TEST_F(TombstoneJournal, EveryKindRoundTrips) {
  for (auto const how : {tombstone::closed, tombstone::cancelled, tombstone::committed}) {
    tombstone_record const t{next_id(), how, 1'700'000'124};
    auto const back = detail::decode_tombstone(detail::encode_tombstone(t));
    ASSERT_TRUE(back);
    EXPECT_TRUE(same(*back, t));
  }
}

TEST_F(TombstoneJournal, RecordRoundTripsAndEveryFlippedBitIsRejected) {
  tombstone_record const t{next_id(), tombstone::cancelled, 1'700'000'123};
  auto bytes = detail::encode_tombstone(t);
  auto const back = detail::decode_tombstone(bytes);
  ASSERT_TRUE(back);
  EXPECT_TRUE(same(*back, t));
  for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    auto damaged = bytes;
    damaged[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    EXPECT_FALSE(detail::decode_tombstone(damaged)) << "bit " << bit;
  }
  std::array<std::byte, detail::tombstone_record_size> const zeros{};
  EXPECT_FALSE(detail::decode_tombstone(zeros));
}

TEST_F(TombstoneJournal, TombstonesOutliveTheStoreInTheOrderRecorded) {
  tombstone_record const a{next_id(), tombstone::closed, 1000};
  tombstone_record const b{next_id(), tombstone::cancelled, 1001};
  ASSERT_FALSE(store_->add_tombstone(a, false));
  ASSERT_FALSE(store_->add_tombstone(b, true));
  open_store();
  auto const report = store_->recover();
  ASSERT_TRUE(report);
  ASSERT_EQ(report->tombstones.size(), 2U);
  EXPECT_TRUE(same(report->tombstones[0], a));
  EXPECT_TRUE(same(report->tombstones[1], b));
  ASSERT_EQ(segments(spool_).size(), 1U);
  EXPECT_EQ(fs::file_size(segments(spool_)[0]), 2 * detail::tombstone_record_size);
}

TEST_F(TombstoneJournal, DamagedTailIsSkippedAndLaterRecordsGoToANewSegment) {
  tombstone_record const a{next_id(), tombstone::closed, 1000};
  tombstone_record const b{next_id(), tombstone::closed, 1001};
  ASSERT_FALSE(store_->add_tombstone(a, false));
  ASSERT_FALSE(store_->add_tombstone(b, false));
  {
    // What a power cut can leave after the last record: zeros and a torn record.
    std::ofstream out{segments(spool_)[0], std::ios::binary | std::ios::app};
    out << std::string(32, '\0') << "half a record";
  }
  open_store();
  ASSERT_TRUE(store_->recover());
  tombstone_record const c{next_id(), tombstone::cancelled, 1002};
  ASSERT_FALSE(store_->add_tombstone(c, false));
  EXPECT_EQ(segments(spool_).size(), 2U);
  open_store();
  auto const report = store_->recover();
  ASSERT_TRUE(report);
  ASSERT_EQ(report->tombstones.size(), 3U);
  EXPECT_TRUE(same(report->tombstones[0], a));
  EXPECT_TRUE(same(report->tombstones[1], b));
  EXPECT_TRUE(same(report->tombstones[2], c));
}

TEST_F(TombstoneJournal, SegmentsPastTheTtlAreDeletedWhole) {
  ASSERT_TRUE(store_->recover());
  tombstone_record const old{next_id(), tombstone::closed, 1000};
  ASSERT_FALSE(store_->add_tombstone(old, false));
  // An hour later (ttl 1 h): the segment holding `old` is closed, a new one begun.
  ASSERT_FALSE(store_->maintain_tombstones(4600, 1000));
  tombstone_record const recent{next_id(), tombstone::closed, 4600};
  ASSERT_FALSE(store_->add_tombstone(recent, false));
  EXPECT_EQ(segments(spool_).size(), 2U);
  ASSERT_FALSE(store_->maintain_tombstones(4601, 1001));  // `old` is past the ttl now
  EXPECT_EQ(segments(spool_).size(), 1U);
  open_store();
  auto const report = store_->recover();
  ASSERT_TRUE(report);
  ASSERT_EQ(report->tombstones.size(), 1U);
  EXPECT_TRUE(same(report->tombstones[0], recent));
}

TEST_F(TombstoneJournal, RecoveryRemovesTheEntryOfAnEndedSession) {
  auto const ended = create_with("f.bin", "0123456789");
  auto const open = create_with("g.bin", "abc");
  ASSERT_FALSE(store_->add_tombstone({ended.id, tombstone::cancelled, 1000}, false));
  open_store();  // killed before the entry was discarded
  auto const report = store_->recover();
  ASSERT_TRUE(report);
  ASSERT_EQ(report->sessions.size(), 1U);
  EXPECT_EQ(report->sessions[0].id, open.id);
  ASSERT_EQ(report->discarded.size(), 1U);
  EXPECT_NE(report->discarded[0].find("tombstone"), std::string::npos) << report->discarded[0];
  EXPECT_FALSE(fs::exists(entry(ended.id)));
  EXPECT_TRUE(fs::exists(entry(open.id)));
}

}  // namespace
}  // namespace bits::storage::testing
