// The outbox against a real receiver process: every event delivered, a receiver that
// is down for a while gets everything once it is up, events that keep failing are
// kept, logged once per interval and counted, and processes killed with SIGKILL between
// recording and delivery (or in the middle of both) lose nothing.
#include "hooks/hooks_fixture.hpp"

#include "hooks/exec_hook.hpp"
#include "hooks/http_hook.hpp"
#include "hooks/outbox.hpp"
#include "support/digest.hpp"

#include <sys/stat.h>

#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace bits::test {
namespace {

using namespace std::chrono_literals;
using namespace bits::hooks;
namespace fs = std::filesystem;

constexpr char const* secret = "outbox-secret";

/// Log lines an outbox wrote, by level.
struct log_capture {
  std::mutex mu;
  std::vector<std::pair<log_level, std::string>> lines;
  log_function sink() {
    return [this](log_level l, std::string const& line) {
      std::lock_guard const lock{mu};
      lines.emplace_back(l, line);
    };
  }
  std::size_t count(log_level l) {
    std::lock_guard const lock{mu};
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(), [l](auto const& x) { return x.first == l; }));
  }
  std::string all() {
    std::lock_guard const lock{mu};
    std::string out;
    for (auto const& [l, line] : lines) out += line + "\n";
    return out;
  }
};

/// How many times the receiver saw each event id (valid signatures only).
std::map<std::string, int> deliveries(receiver const& r) {
  std::map<std::string, int> out;
  for (auto const& c : r.calls()) {
    if (c.signature_ok) ++out[c.event_id];
  }
  return out;
}

/// The ids a child printed as recorded.
std::set<std::string> recorded_ids(std::string const& output) {
  std::set<std::string> out;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("recorded ") && line.size() == 9 + 32) out.insert(line.substr(9));
  }
  return out;
}

class Outbox : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "receiver:\n" << receiver_.log_tail() << "log:\n" << log_.all();
  }

  outbox_options options() {
    outbox_options o;
    o.dir = dir();
    o.backoff = {50ms, 400ms};
    o.maintain_interval = 50ms;
    o.log = log_.sink();
    return o;
  }
  std::shared_ptr<hook> webhook(std::string_view path) {
    http_hook_options h;
    h.url = receiver_.url(path);
    h.secret = secret;
    h.timeout = 2s;
    auto made = make_http_hook(h);
    EXPECT_TRUE(made);
    return made ? std::shared_ptr<hook>(std::move(*made)) : nullptr;
  }
  std::unique_ptr<outbox> open(outbox_options o, std::shared_ptr<hook> target) {
    auto box = outbox::open(std::move(o), std::move(target));
    EXPECT_TRUE(box) << (box ? "" : box.error().message());
    return box ? std::move(*box) : nullptr;
  }
  fs::path dir() const { return tmp_ / "outbox"; }
  std::size_t segment_files() const {
    std::size_t n = 0;
    for (auto const& e : fs::directory_iterator(dir())) n += e.path().extension() == ".journal";
    return n;
  }
  /// The outbox child, `mode` and `count` (see outbox_child.cpp), delivering to `url`.
  std::unique_ptr<daemon> child(std::string const& mode, unsigned count, std::string const& url) {
    return std::make_unique<daemon>(
        OUTBOX_CHILD_PATH,
        std::vector<std::string>{dir().string(), url, secret, mode, std::to_string(count)},
        tmp_.path(), "child-" + mode);
  }

  temp_dir tmp_;
  receiver receiver_{tmp_.path(), secret};
  log_capture log_;
};

TEST_F(Outbox, DeliversEveryEventOnceToALiveReceiver) {
  ASSERT_TRUE(receiver_.start());
  auto box = open(options(), webhook("ok"));
  ASSERT_TRUE(box);
  box->start();
  std::vector<std::thread> writers;
  std::mutex mu;
  std::set<std::string> ids;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto const e = sample_event("f" + std::to_string(t) + "-" + std::to_string(i));
        EXPECT_FALSE(box->record(e));
        std::lock_guard const lock{mu};
        ids.insert(e.id);
      }
    });
  }
  for (auto& w : writers) w.join();
  ASSERT_TRUE(box->wait_idle(15s));
  auto const seen = deliveries(receiver_);
  EXPECT_EQ(seen.size(), 30U);
  for (auto const& id : ids) EXPECT_EQ(seen.count(id) ? seen.at(id) : 0, 1) << id;
  auto const c = box->counters();
  EXPECT_EQ(c.recorded, 30U);
  EXPECT_EQ(c.delivered, 30U);
  EXPECT_EQ(c.failed_attempts, 0U);
  EXPECT_EQ(c.pending, 0U);
  box.reset();
  box = open(options(), webhook("ok"));  // nothing comes back after a restart
  EXPECT_EQ(box->counters().pending, 0U);
}

TEST_F(Outbox, RecordingAPendingEventAgainKeepsOne) {
  ASSERT_TRUE(receiver_.start());
  auto box = open(options(), webhook("ok"));
  auto const e = sample_event("twice");
  ASSERT_FALSE(box->record(e));
  ASSERT_FALSE(box->record(e));
  EXPECT_EQ(box->counters().pending, 1U);
  EXPECT_EQ(box->counters().recorded, 1U);
  event bad = e;
  bad.id = "not-an-id";
  EXPECT_EQ(box->record(bad), make_error_code(boost::system::errc::invalid_argument));
}

TEST_F(Outbox, AReceiverThatIsDownForAWhileGetsEveryEventOnceItIsUp) {
  ASSERT_TRUE(receiver_.start());  // to learn a port, then down
  receiver_.stop();
  auto o = options();
  o.concurrency = 4;
  auto box = open(o, webhook("ok"));
  box->start();
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto const e = sample_event("down-" + std::to_string(i));
    ASSERT_FALSE(box->record(e));
    ids.insert(e.id);
  }
  ASSERT_TRUE(eventually([&] { return box->counters().failed_attempts >= 4; }));
  EXPECT_EQ(box->counters().pending, 20U);
  ASSERT_TRUE(receiver_.start());
  ASSERT_TRUE(box->wait_idle(15s));
  auto const seen = deliveries(receiver_);
  for (auto const& id : ids) EXPECT_EQ(seen.count(id), 1U) << id;
  // One failure line for the whole outage (interval 60 s), one line when it ended.
  EXPECT_EQ(log_.count(log_level::warning), 1U) << log_.all();
  EXPECT_NE(log_.all().find("accepts events again"), std::string::npos) << log_.all();
}

TEST_F(Outbox, EventsThatKeepFailingAreKeptLoggedAndCounted) {
  ASSERT_TRUE(receiver_.start());
  auto o = options();
  o.failure_log_interval = 200ms;
  auto box = open(o, webhook("status/400"));
  box->start();
  auto const e = sample_event("refused");
  ASSERT_FALSE(box->record(e));
  ASSERT_TRUE(eventually([&] { return box->counters().failed_attempts >= 5; }));
  box->stop();
  auto const c = box->counters();
  EXPECT_EQ(c.pending, 1U);
  EXPECT_EQ(c.delivered, 0U);
  EXPECT_GE(log_.count(log_level::warning), 1U);
  EXPECT_LT(log_.count(log_level::warning), c.failed_attempts);  // rate-limited
  EXPECT_NE(log_.all().find("HTTP 400"), std::string::npos) << log_.all();
  box.reset();
  box = open(options(), webhook("ok"));
  EXPECT_EQ(box->counters().pending, 1U);  // still there after a restart
  box->start();
  ASSERT_TRUE(box->wait_idle(10s));
  EXPECT_EQ(deliveries(receiver_).count(e.id), 1U);
}

TEST_F(Outbox, AFewEventsThatKeepFailingDoNotPinOldSegments) {
  // An exec hook that refuses one event: the rest are delivered, old segments go,
  // and the refused one is copied forward rather than keeping its segment.
  auto const script = tmp_ / "deliver.sh";
  ASSERT_TRUE(write_file(script, "#!/bin/sh\ngrep -q poison && exit 1\nexit 0\n"));
  ::chmod(script.c_str(), 0755);
  exec_hook_options h;
  h.command = {script.string()};
  auto target = make_exec_hook(h);
  ASSERT_TRUE(target);
  auto o = options();
  o.segment_bytes = 4096;
  auto box = open(o, std::shared_ptr<hook>(std::move(*target)));
  auto const poison = sample_event("poison");
  ASSERT_FALSE(box->record(poison));
  for (int i = 0; i < 60; ++i) ASSERT_FALSE(box->record(sample_event("ok-" + std::to_string(i))));
  std::size_t const before = segment_files();
  EXPECT_GE(before, 5U);
  box->start();
  ASSERT_TRUE(eventually([&] { return box->counters().delivered == 60; }, 20s));
  EXPECT_TRUE(eventually([&] { return segment_files() <= 2; }));
  EXPECT_EQ(box->counters().pending, 1U);
  box.reset();
  box = open(options(), webhook("ok"));
  EXPECT_EQ(box->counters().pending, 1U);
}

TEST_F(Outbox, KilledBetweenRecordingAndDeliveryDeliversAfterTheRestart) {
  ASSERT_TRUE(receiver_.start());
  auto owner = child("record", 50, receiver_.url("ok"));
  ASSERT_TRUE(owner->start()) << owner->last_error() << owner->log_tail();
  owner->kill9();
  auto const ids = recorded_ids(owner->log());
  ASSERT_EQ(ids.size(), 50U) << owner->log_tail();
  EXPECT_TRUE(receiver_.calls().empty());

  auto box = open(options(), webhook("ok"));
  EXPECT_EQ(box->counters().pending, 50U);
  box->start();
  ASSERT_TRUE(box->wait_idle(15s));
  auto const seen = deliveries(receiver_);
  EXPECT_EQ(seen.size(), 50U);
  for (auto const& id : ids) EXPECT_EQ(seen.count(id) ? seen.at(id) : 0, 1) << id;
}

TEST_F(Outbox, KilledWhileRecordingAndDeliveringLosesNothing) {
  ASSERT_TRUE(receiver_.start());
  auto owner = child("stream", 100000, receiver_.url("ok"));
  ASSERT_TRUE(owner->start()) << owner->last_error() << owner->log_tail();
  // Kill it once it has recorded some events and delivered some of them.
  ASSERT_TRUE(eventually([&] {
    return recorded_ids(owner->log()).size() >= 300 && deliveries(receiver_).size() >= 100;
  }));
  owner->kill9();
  auto const ids = recorded_ids(owner->log());

  auto const done =
      run_to_exit(OUTBOX_CHILD_PATH, {dir().string(), receiver_.url("ok"), secret, "drain"}, 30s);
  ASSERT_TRUE(done.status.exited && done.status.code == 0) << done.output;

  auto const seen = deliveries(receiver_);
  for (auto const& id : ids) ASSERT_TRUE(seen.count(id)) << "lost " << id;
  // At least once: only deliveries under way at the kill may come again.
  int twice = 0;
  for (auto const& [id, n] : seen) {
    EXPECT_LE(n, 2) << id;
    twice += n > 1;
  }
  EXPECT_LE(twice, 4);  // the child's concurrency
  auto box = open(options(), webhook("ok"));
  EXPECT_EQ(box->counters().pending, 0U);
}

}  // namespace
}  // namespace bits::test
