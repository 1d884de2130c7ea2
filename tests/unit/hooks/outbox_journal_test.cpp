// The outbox journal: records that detect damage, events and acknowledgements read back
// in order, torn and zeroed tails skipped, segments started at their size limit, and
// concurrent appends sharing syncs.
#include "hooks/outbox_journal.hpp"

#include "support/digest.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

namespace bits::hooks::detail {
namespace {

namespace fs = std::filesystem;

event_message message(std::string json = R"({"n":1})") {
  return {event_type::post_commit, random_event_id(), std::move(json)};
}

std::vector<fs::path> segment_files(fs::path const& dir) {
  std::vector<fs::path> out;
  for (auto const& e : fs::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::set<std::string> ids_of(journal_contents const& c) {
  std::set<std::string> out;
  for (auto const& e : c.pending) out.insert(e.message.id);
  return out;
}

TEST(OutboxRecord, RoundTripsAndEveryFlippedBitIsRefused) {
  auto const m = message(R"({"type":"post-cancel","x":"\u00e9"})");
  std::string line = encode_event_record(m);
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  auto const back = parse_record(line);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->ack);
  EXPECT_EQ(back->message.id, m.id);
  EXPECT_EQ(back->message.type, m.type);
  EXPECT_EQ(back->message.json, m.json);
  for (std::size_t bit = 0; bit < line.size() * 8; ++bit) {
    std::string damaged = line;
    damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(parse_record(damaged)) << "bit " << bit;
  }
  std::string ack = encode_ack_record(m.id);
  ack.pop_back();
  auto const a = parse_record(ack);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->ack);
  EXPECT_EQ(a->message.id, m.id);
  EXPECT_FALSE(parse_record(std::string(ack.size(), '\0')));
}

class OutboxJournal : public ::testing::Test {
 protected:
  fs::path dir() const { return tmp_ / "outbox"; }
  std::unique_ptr<outbox_journal> open(std::uint64_t segment_bytes = 1 << 20) {
    auto j = std::make_unique<outbox_journal>(dir(), segment_bytes);
    auto loaded = j->load();
    EXPECT_TRUE(loaded);
    return j;
  }
  journal_contents reload() {
    outbox_journal j(dir(), 1 << 20);
    auto loaded = j.load();
    EXPECT_TRUE(loaded);
    return loaded ? *loaded : journal_contents{};
  }

  test::temp_dir tmp_;
};

TEST_F(OutboxJournal, EventsOutliveTheJournalUntilAcknowledged) {
  auto j = open();
  EXPECT_EQ(fs::status(dir()).permissions() & fs::perms::all, fs::perms::owner_all);
  auto const a = message();
  auto const b = message();
  auto const c = message();
  auto where = j->append_events({a, b, c});
  ASSERT_TRUE(where);
  ASSERT_EQ(where->size(), 3U);
  auto read = j->read((*where)[1]);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->json, b.json);
  EXPECT_EQ(read->id, b.id);
  ASSERT_FALSE(j->append_ack(b.id));
  j.reset();  // no sync of the acknowledgement: a process exit keeps it anyway

  auto const c1 = reload();
  EXPECT_EQ(ids_of(c1), (std::set<std::string>{a.id, c.id}));
  ASSERT_EQ(c1.pending.size(), 2U);
  EXPECT_EQ(c1.pending[0].message.id, a.id);  // in the order recorded
  EXPECT_EQ(c1.pending[0].message.json, a.json);
}

TEST_F(OutboxJournal, AnEventRecordedAgainAfterItsAcknowledgementIsPendingAgain) {
  auto j = open();
  auto const a = message();
  ASSERT_TRUE(j->append_events({a}));
  ASSERT_FALSE(j->append_ack(a.id));
  ASSERT_TRUE(j->append_events({a}));
  j.reset();
  EXPECT_EQ(ids_of(reload()), std::set<std::string>{a.id});
}

TEST_F(OutboxJournal, ACopiedEventCountsOnceAtItsLastCopy) {
  auto j = open();
  auto const a = message();
  auto first = j->append_events({a});
  auto second = j->append_events({a});
  ASSERT_TRUE(first && second);
  j.reset();
  auto const c = reload();
  ASSERT_EQ(c.pending.size(), 1U);
  EXPECT_EQ(c.pending[0].where.offset, (*second)[0].offset);
}

TEST_F(OutboxJournal, TornAndZeroedTailsAreSkipped) {
  auto j = open();
  auto const a = message();
  auto const b = message();
  ASSERT_TRUE(j->append_events({a}));
  j.reset();
  auto const first_segment = segment_files(dir()).at(0);
  {
    std::ofstream f(first_segment, std::ios::binary | std::ios::app);
    std::string const torn = encode_event_record(b);
    f << torn.substr(0, torn.size() / 2) << '\n' << std::string(300, '\0');
  }
  j = open();  // a new segment after the damaged one
  auto const c = message();
  ASSERT_TRUE(j->append_events({c}));
  j.reset();
  EXPECT_EQ(segment_files(dir()).size(), 2U);
  EXPECT_EQ(ids_of(reload()), (std::set<std::string>{a.id, c.id}));
}

TEST_F(OutboxJournal, NewSegmentsStartAtTheSizeLimitAndOldOnesCanGo) {
  auto j = open(4096);
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    auto const m = message(R"({"pad":")" + std::string(200, 'x') + "\"}");
    ids.push_back(m.id);
    ASSERT_TRUE(j->append_events({m}));
  }
  auto const segments = j->segments();
  ASSERT_GE(segments.size(), 2U);
  EXPECT_EQ(segments.back(), j->current_segment());
  EXPECT_TRUE(j->remove(j->current_segment()));  // the current one stays
  auto const in_first = j->read_segment(segments.front());
  ASSERT_TRUE(in_first);
  ASSERT_FALSE(in_first->empty());
  EXPECT_EQ(in_first->front().message.id, ids.front());
  ASSERT_FALSE(j->remove(segments.front()));
  EXPECT_EQ(j->segments().size(), segments.size() - 1);
  j.reset();
  auto const c = reload();
  EXPECT_EQ(c.pending.size(), ids.size() - in_first->size());
  EXPECT_EQ(c.pending.back().message.id, ids.back());
}

TEST_F(OutboxJournal, ConcurrentAppendsAreAllKept) {
  auto j = open();
  constexpr int threads = 8;
  constexpr int each = 40;
  std::vector<std::thread> workers;
  std::mutex mu;
  std::set<std::string> written;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < each; ++i) {
        auto const m = message();
        ASSERT_TRUE(j->append_events({m}));
        if (i % 3 == 0) {
          ASSERT_FALSE(j->append_ack(m.id));
        } else {
          std::lock_guard const lock{mu};
          written.insert(m.id);
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  j.reset();
  EXPECT_EQ(ids_of(reload()), written);
}

}  // namespace
}  // namespace bits::hooks::detail
