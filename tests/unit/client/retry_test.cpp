// Retry classification (reference 4.6) and the backoff budget.
#include "client/retry.hpp"

#include "net/curl_error.hpp"
#include "unit/client/fake_server.hpp"

#include <gtest/gtest.h>

namespace bits::client {
namespace {

TEST(RetryClassification, StatusesFollowTheBitsTable) {
  for (unsigned s : {408u, 409u, 429u, 500u, 502u, 503u, 504u, 306u, 308u}) {
    EXPECT_TRUE(is_transient_status(s)) << s;
  }
  for (unsigned s :
       {300u, 301u, 305u, 307u, 400u, 401u, 403u, 404u, 405u, 411u, 413u, 501u, 505u}) {
    EXPECT_FALSE(is_transient_status(s)) << s;
  }
}

TEST(RetryClassification, TransportErrors) {
  EXPECT_TRUE(is_transient_error(net::make_curl_error(7)));    // couldn't connect
  EXPECT_TRUE(is_transient_error(net::make_curl_error(28)));   // timed out
  EXPECT_TRUE(is_transient_error(net::make_curl_error(52)));   // got nothing
  EXPECT_TRUE(is_transient_error(net::make_curl_error(55)));   // send error (reset)
  EXPECT_TRUE(is_transient_error(net::make_curl_error(56)));   // recv error (reset)
  EXPECT_TRUE(is_transient_error(net::make_curl_error(6)));    // resolve host
  EXPECT_FALSE(is_transient_error(net::make_curl_error(60)));  // certificate not trusted
  EXPECT_FALSE(is_transient_error(net::make_curl_error(3)));   // malformed URL
  EXPECT_FALSE(is_transient_error(make_error_code(boost::system::errc::io_error)));
}

TEST(RetryTracker, DelaysDoubleWithJitterUpToTheCap) {
  test::fake_clock clk;
  retry_tracker t({std::chrono::hours(1), std::chrono::seconds(1), std::chrono::seconds(8)}, clk,
                  7);
  std::chrono::milliseconds const steps[] = {std::chrono::seconds(1), std::chrono::seconds(2),
                                             std::chrono::seconds(4), std::chrono::seconds(8),
                                             std::chrono::seconds(8)};
  for (auto step : steps) {
    auto d = t.next_delay();
    ASSERT_TRUE(d);
    EXPECT_GE(*d, step / 2);
    EXPECT_LE(*d, step);
    clk.advance(*d);
  }
  EXPECT_EQ(t.total_failures(), 5u);
}

TEST(RetryTracker, BudgetEndsTheRunAndProgressStartsANewOne) {
  test::fake_clock clk;
  retry_tracker t({std::chrono::seconds(10), std::chrono::seconds(4), std::chrono::seconds(4)}, clk,
                  1);
  clock::duration total{};
  while (auto d = t.next_delay()) {
    clk.advance(*d);
    total += *d;
  }
  EXPECT_EQ(total, std::chrono::seconds(10));
  t.progress();
  EXPECT_TRUE(t.next_delay());
  EXPECT_EQ(t.run_failures(), 1u);
}

TEST(RetryTracker, ZeroBudgetNeverRetries) {
  test::fake_clock clk;
  retry_tracker t({std::chrono::milliseconds(0), std::chrono::seconds(1), std::chrono::seconds(1)},
                  clk, 1);
  EXPECT_FALSE(t.next_delay());
}

TEST(RetryTracker, JitterSpreadsClients) {
  test::fake_clock clk;
  retry_tracker a({std::chrono::hours(1), std::chrono::seconds(8), std::chrono::seconds(8)}, clk,
                  1);
  retry_tracker b({std::chrono::hours(1), std::chrono::seconds(8), std::chrono::seconds(8)}, clk,
                  2);
  EXPECT_NE(*a.next_delay(), *b.next_delay());
}

}  // namespace
}  // namespace bits::client
