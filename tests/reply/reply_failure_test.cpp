// Server-application failures (reference 7.6) and retransmitted final fragments
// (reference 3.3, 6.2): the Ack mapping, and that the session keeps the whole upload.
#include "reply/reply_fixture.hpp"

#include "support/digest.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <tuple>

namespace bits::test {
namespace {

/// A 127.0.0.1 port that refuses connections for as long as this object lives: the
/// socket is bound (so nobody else gets the port) but never listens.
class refusing_port {
 public:
  refusing_port() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~refusing_port() {
    if (fd_ >= 0) ::close(fd_);
  }
  refusing_port(refusing_port const&) = delete;
  refusing_port& operator=(refusing_port const&) = delete;
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

using failure_test = reply_test;

/// (notification type, application status, expected BITS-Error-Code)
using status_case = std::tuple<std::string, int, std::string>;

class app_status_test : public reply_test, public ::testing::WithParamInterface<status_case> {};

TEST_P(app_status_test, ApplicationStatusIsPassedThrough) {
  auto const& [type, status, code] = GetParam();
  ASSERT_TRUE(start_reply(type, app_url("status/" + std::to_string(status))));
  std::string const data = random_bytes(20000, 11);
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", data, 8192);
  EXPECT_TRUE(is_app_error_ack(up.last, status, code));
  EXPECT_EQ(up.last.header_or_empty("BITS-Session-Id"), up.id);
  EXPECT_EQ(app_calls().size(), 1U);
  EXPECT_EQ(spool_entries().size(), 1U) << "the session keeps its upload";
}

INSTANTIATE_TEST_SUITE_P(statuses, app_status_test,
                         ::testing::Values(status_case{"reference", 500, "0x801901F4"},
                                           status_case{"reference", 503, "0x801901F7"},
                                           status_case{"reference", 404, "0x80190194"},
                                           status_case{"reference", 403, "0x80190193"},
                                           status_case{"value", 500, "0x801901F4"},
                                           status_case{"value", 409, "0x80190199"}),
                         [](::testing::TestParamInfo<status_case> const& param) {
                           return std::get<0>(param.param) + "_" +
                                  std::to_string(std::get<1>(param.param));
                         });

TEST_F(failure_test, ApplicationErrorCodeIsPassedThrough) {
  ASSERT_TRUE(start_reply("reference", app_url("error-code/500/0x80070005")));
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", "data", 4);
  EXPECT_TRUE(is_app_error_ack(up.last, 500, "0x80070005"));
}

TEST_F(failure_test, UnreachableApplicationIs503) {
  refusing_port const closed;
  ASSERT_NE(closed.port(), 0);
  ASSERT_TRUE(
      start_reply("reference", "http://127.0.0.1:" + std::to_string(closed.port()) + "/ok"));
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", "data", 4);
  EXPECT_TRUE(is_app_error_ack(up.last, 503, "0x801901F7"));
}

TEST_F(failure_test, SlowApplicationIs408AfterTheNotificationTimeout) {
  ASSERT_TRUE(start_reply("reference", app_url("sleep/3"),
                          [](vdir_options& v) { v.set("notification_timeout", 1); }));
  auto c = connect();
  std::string const id = create(c, "/up/slow.bin");
  auto const started = std::chrono::steady_clock::now();
  auto const last = fragment(c, "/up/slow.bin", id, 0, "data", 4);
  auto const took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(is_app_error_ack(last, 408, "0x80190198"));
  EXPECT_GE(took, std::chrono::milliseconds(900)) << "answered before the timeout";
  EXPECT_LT(took, std::chrono::milliseconds(2800)) << "waited for the slow application";
}

TEST_F(failure_test, StaticUrlWithBodyByValueIsMalformed) {
  ASSERT_TRUE(start_reply("value", app_url("static-with-body")));
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", "data", 4);
  EXPECT_TRUE(is_app_error_ack(up.last, 400, "0x80070057"));
}

TEST_F(failure_test, StaticUrlWithControlCharactersIsMalformed) {
  ASSERT_TRUE(start_reply("reference", app_url("static-with-cr")));
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", "data", 4);
  EXPECT_TRUE(is_app_error_ack(up.last, 400, "0x80070057")) << up.last;
  EXPECT_TRUE(up.last.header_or_empty("BITS-Reply-URL").empty()) << up.last;
  EXPECT_TRUE(up.last.header_or_empty("X-Injected").empty()) << up.last;
}

TEST_F(failure_test, RetriedFinalFragmentNotifiesAgainAfterAFailure) {
  ASSERT_TRUE(start_reply("reference", app_url("fail-once")));
  std::string const data = random_bytes(40000, 12);
  auto c = connect();
  auto const up = upload(c, "/up/retry.bin", data, 16384);
  ASSERT_TRUE(is_app_error_ack(up.last, 500, "0x801901F4"));
  ASSERT_EQ(app_calls().size(), 1U);

  auto const again = resend_tail(c, "/up/retry.bin", up.id, data, 32768);
  ASSERT_TRUE(is_reply_ack(again, data.size()));
  EXPECT_EQ(app_calls().size(), 2U) << "the retry notified the application again";
  auto const reply = get(path_of(again.header_or_empty("BITS-Reply-URL")));
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.body, "reply:ref:" + sha256_hex(data));
}

TEST_F(failure_test, EveryRetryAfterAFailureNotifies) {
  ASSERT_TRUE(start_reply("value", app_url("status/503")));
  std::string const data = random_bytes(1000, 13);
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", data, 1000);
  ASSERT_TRUE(is_app_error_ack(up.last, 503, "0x801901F7"));
  auto const again = resend_tail(c, "/up/f.bin", up.id, data, 0);
  EXPECT_TRUE(is_app_error_ack(again, 503, "0x801901F7"));
  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[1].body_sha256, sha256_hex(data)) << "the retry sends the whole file again";
}

TEST_F(failure_test, RetriedFinalFragmentAfterSuccessDoesNotNotifyAgain) {
  ASSERT_TRUE(start_reply("reference", app_url("ok")));
  std::string const data = random_bytes(30000, 14);
  auto c = connect();
  auto const up = upload(c, "/up/once.bin", data, 10000);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const url = up.last.header_or_empty("BITS-Reply-URL");

  auto const again = resend_tail(c, "/up/once.bin", up.id, data, 20000);
  ASSERT_TRUE(is_reply_ack(again, data.size()));
  EXPECT_EQ(again.header_or_empty("BITS-Reply-URL"), url);
  auto other = connect();
  auto const from_other = resend_tail(other, "/up/once.bin", up.id, data, 25000);
  ASSERT_TRUE(is_reply_ack(from_other, data.size()));
  EXPECT_EQ(from_other.header_or_empty("BITS-Reply-URL"), url);
  EXPECT_EQ(app_calls().size(), 1U) << "a duplicate final fragment must not notify again";
}

TEST_F(failure_test, RetriedFinalFragmentAfterStaticReplyKeepsTheStaticUrl) {
  ASSERT_TRUE(start_reply("value", app_url("static")));
  auto c = connect();
  auto const up = upload(c, "/up/s.bin", "abcdef", 3);
  ASSERT_TRUE(is_reply_ack(up.last, 6));
  auto const again = resend_tail(c, "/up/s.bin", up.id, "abcdef", 3);
  ASSERT_TRUE(is_reply_ack(again, 6));
  EXPECT_EQ(again.header_or_empty("BITS-Reply-URL"), static_reply_url);
  EXPECT_EQ(app_calls().size(), 1U);
}

TEST_F(failure_test, NonFinalFragmentsDoNotNotify) {
  ASSERT_TRUE(start_reply("reference", app_url("ok")));
  std::string const data = random_bytes(30000, 15);
  auto c = connect();
  std::string const id = create(c, "/up/p.bin");
  auto const part =
      fragment(c, "/up/p.bin", id, 0, std::string_view(data).substr(0, 10000), data.size());
  EXPECT_TRUE(is_progress_ack(part, 10000));
  EXPECT_FALSE(part.has("BITS-Reply-URL")) << part;
  EXPECT_TRUE(app_calls().empty());
}

}  // namespace
}  // namespace bits::test
