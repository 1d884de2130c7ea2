// The webhook against a real receiver process that checks signatures: events arrive
// with their fields and a valid signature, pre-create refusals come back as the
// receiver chose, and receivers that fail, hang or are down follow the failure mode.
#include "hooks/hooks_fixture.hpp"

#include "hooks/http_hook.hpp"
#include "hooks/pre_create_pool.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

namespace bits::test {
namespace {

using namespace std::chrono_literals;
using namespace bits::hooks;

constexpr char const* secret = "s3cret-for-tests";

class Webhook : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(receiver_.start()); }
  void TearDown() override {
    if (HasFailure()) std::cerr << receiver_.log_tail();
  }

  std::shared_ptr<hook> webhook(std::string_view path, std::string key = secret,
                                std::chrono::milliseconds timeout = 5s) const {
    http_hook_options o;
    o.url = receiver_.url(path);
    o.secret = std::move(key);
    o.timeout = timeout;
    auto h = make_http_hook(o);
    EXPECT_TRUE(h);
    return h ? std::shared_ptr<hook>(std::move(*h)) : nullptr;
  }

  temp_dir tmp_;
  receiver receiver_{tmp_.path(), secret};
};

TEST_F(Webhook, EventArrivesSignedWithEveryField) {
  auto const e = sample_event("report.dmp");
  auto const r = webhook("ok")->call(make_message(e));
  EXPECT_EQ(r.answer, hook_answer::accepted) << r.detail;
  auto const calls = receiver_.calls();
  ASSERT_EQ(calls.size(), 1U);
  auto const& c = calls[0];
  EXPECT_TRUE(c.signature_ok);
  EXPECT_TRUE(c.timestamp_ok);
  EXPECT_EQ(c.headers.value("content-type", ""), "application/json");
  EXPECT_EQ(c.event_type, "post-commit");
  EXPECT_EQ(c.event_id, e.id);
  EXPECT_EQ(c.body, to_json(e));
  auto const back = event_from_json(c.body);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->url_path, "/up/report.dmp");
  EXPECT_EQ(back->sha256, e.sha256);
  EXPECT_EQ(back->principal, "alice");
}

TEST_F(Webhook, ReceiverNoticesAWrongOrMissingSignature) {
  EXPECT_EQ(webhook("ok", "another secret")->call(make_message(sample_event("a"))).answer,
            hook_answer::accepted);
  EXPECT_EQ(webhook("ok", "")->call(make_message(sample_event("b"))).answer, hook_answer::accepted);
  auto const calls = receiver_.calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_FALSE(calls[0].signature_ok);
  EXPECT_FALSE(calls[1].signature_ok);
  EXPECT_FALSE(calls[1].headers.contains("x-openbits-signature"));
}

TEST_F(Webhook, PreCreateRefusalComesBackWithTheChosenStatusAndCode) {
  event e = sample_event("notes.txt");
  e.type = event_type::pre_create;
  auto const d = run_pre_create(*webhook("refuse/409/0x80070050"), e, failure_mode::allow);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.hook_failed);
  EXPECT_EQ(d.refusal.status, 409U);
  EXPECT_EQ(d.refusal.code, 0x80070050U);
  EXPECT_EQ(d.refusal.context, 0x7U);
  EXPECT_EQ(d.detail, "HTTP 403: refused by the test receiver");
  EXPECT_TRUE(run_pre_create(*webhook("ok"), e, failure_mode::refuse).allowed);
  ASSERT_EQ(receiver_.calls().size(), 2U);
  EXPECT_EQ(receiver_.calls()[0].event_type, "pre-create");
}

TEST_F(Webhook, ServerErrorsTimeoutsAndDeadReceiversFollowTheFailureMode) {
  event e = sample_event("x");
  e.type = event_type::pre_create;
  auto const error = run_pre_create(*webhook("status/500"), e, failure_mode::allow);
  EXPECT_TRUE(error.allowed);
  EXPECT_TRUE(error.hook_failed);
  EXPECT_EQ(error.detail, "HTTP 500");

  auto const start = std::chrono::steady_clock::now();
  auto const slow = run_pre_create(*webhook("sleep/5", secret, 700ms), e, failure_mode::refuse);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);  // not the receiver's 5 s
  EXPECT_FALSE(slow.allowed);
  EXPECT_TRUE(slow.hook_failed);
  EXPECT_EQ(slow.refusal.status, 503U);
  EXPECT_EQ(slow.refusal.code, 0x801901F7U);
  EXPECT_EQ(slow.detail, "timed out after 700 ms");

  auto const down = webhook("ok");
  receiver_.stop();
  auto const none = run_pre_create(*down, e, failure_mode::refuse);
  EXPECT_FALSE(none.allowed);
  EXPECT_TRUE(none.hook_failed);
}

TEST_F(Webhook, PreCreatePoolAnswersOnTheCallersExecutor) {
  boost::asio::io_context io;
  pre_create_pool pool({2, 8});
  std::vector<pre_create_decision> decisions;
  std::thread::id answered_on;
  for (auto const* path : {"ok", "refuse/403/0x80070005"}) {
    event e = sample_event(path);
    e.type = event_type::pre_create;
    async_pre_create(pool, webhook(path), e, failure_mode::refuse,
                     boost::asio::bind_executor(io, [&](pre_create_decision d) {
                       answered_on = std::this_thread::get_id();
                       decisions.push_back(std::move(d));
                     }));
  }
  io.run_for(10s);  // nothing is posted to io before the answers: it waits for the work
  ASSERT_EQ(decisions.size(), 2U);
  EXPECT_EQ(answered_on, std::this_thread::get_id());
  EXPECT_EQ(
      std::count_if(decisions.begin(), decisions.end(), [](auto const& d) { return d.allowed; }),
      1);
  EXPECT_EQ(pool.calls(), 0U);
}

TEST_F(Webhook, PreCreatePoolRefusesBeyondItsBoundAtOnce) {
  pre_create_pool pool({1, 1});
  event e = sample_event("slow");
  e.type = event_type::pre_create;
  std::atomic<int> done{0};
  pre_create_decision second;
  pool.submit(webhook("sleep/1"), e, failure_mode::refuse, [&](pre_create_decision) { ++done; });
  pool.submit(webhook("ok"), e, failure_mode::refuse, [&](pre_create_decision d) {
    second = std::move(d);
    ++done;
  });
  EXPECT_EQ(done.load(), 1);  // the second was decided at once, on this thread
  EXPECT_FALSE(second.allowed);
  EXPECT_TRUE(second.hook_failed);
  EXPECT_EQ(second.refusal.status, 503U);
  EXPECT_TRUE(eventually([&] { return done.load() == 2; }));
}

}  // namespace
}  // namespace bits::test
