// Upload-reply as captured Windows clients do it: the reply is fetched after the final
// fragment's Ack and before Close-Session, with HEAD, a ranged GET whose range runs past
// the end of the reply, and a GET without Range; and absolute-form targets, whose
// authority names the reply URL.
#include "reply/reply_fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

class reply_windows_test : public reply_test, public ::testing::WithParamInterface<std::string> {
 protected:
  /// The application's reply for `data` (reply_backend.py, behaviour "ok").
  [[nodiscard]] std::string expected_reply(std::string_view data) const {
    return (GetParam() == "reference" ? "reply:ref:" : "reply:value:") + sha256_hex(data);
  }
  /// A GET or HEAD of `path` as BITS writes it, on `c`.
  [[nodiscard]] http_response fetch(raw_client& c, std::string_view method, std::string_view path,
                                    std::string_view range = {}) const {
    std::string bytes = std::string(method) + " " + std::string(path) +
                        " HTTP/1.1\r\nAccept: */*\r\nAccept-Encoding: identity\r\n";
    if (!range.empty()) bytes += "Range: " + std::string(range) + "\r\n";
    bytes += "User-Agent: Microsoft BITS/7.8\r\nHost: " + server_host() +
             "\r\nConnection: Keep-Alive\r\n\r\n";
    if (!c.send(bytes)) return {};
    return c.read_response(method == "HEAD");
  }
};

TEST_P(reply_windows_test, ReplyIsFetchedBetweenTheLastAckAndCloseSession) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok")));
  std::string const data = random_bytes(12000, 41);
  std::string const expected = expected_reply(data);
  std::string const size = std::to_string(expected.size());
  auto c = connect();
  auto const up = upload(c, "/up/w.bin", data, 5000);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const path = path_of(up.last.header_or_empty("BITS-Reply-URL"));

  // On the upload's own connection, then on a fresh one.
  for (int round = 0; round < 2; ++round) {
    auto fresh = connect();
    raw_client& on = round == 0 ? c : fresh;
    auto const head = fetch(on, "HEAD", path);
    ASSERT_EQ(head.status, 200) << head;
    EXPECT_EQ(head.header_or_empty("Content-Length"), size) << head;
    EXPECT_EQ(head.header_or_empty("Accept-Ranges"), "bytes") << head;

    // The range asks for more than there is: the bytes that exist, not 416.
    auto const ranged = fetch(on, "GET", path, "bytes=0-1048575");
    EXPECT_EQ(ranged.status, 206) << ranged;
    EXPECT_EQ(ranged.header_or_empty("Content-Range"),
              "bytes 0-" + std::to_string(expected.size() - 1) + "/" + size)
        << ranged;
    EXPECT_EQ(ranged.body, expected);
    auto const tail = fetch(on, "GET", path, "bytes=10-99999");
    EXPECT_EQ(tail.status, 206) << tail;
    EXPECT_EQ(tail.body, expected.substr(10));

    auto const whole = fetch(on, "GET", path);
    EXPECT_EQ(whole.status, 200) << whole;
    EXPECT_EQ(whole.body, expected);
  }
  auto const closed = close(c, "/up/w.bin", up.id);
  EXPECT_EQ(closed.status, 200) << closed;
  EXPECT_EQ(fetch(c, "GET", path).status, 404) << "the reply is gone after Close-Session";
}

TEST_P(reply_windows_test, AbsoluteFormAuthorityNamesTheReplyUrl) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok")));
  std::string const data = random_bytes(3000, 42);
  std::string const target = "http://bits.example:8080/up/abs.bin?job=7";
  auto c = connect();
  // The Host field names another server: the target's authority wins (RFC 9112 3.2.2).
  auto const up = upload(c, target, data, 1000, "elsewhere.example");
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const url = up.last.header_or_empty("BITS-Reply-URL");
  EXPECT_TRUE(url.starts_with("http://bits.example:8080/up/.bits-reply/")) << url;
  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_TRUE(calls[0]
                  .header("BITS-Original-Request-URL")
                  .value_or("")
                  .starts_with("http://bits.example:8080/up/abs.bin"))
      << calls[0].header("BITS-Original-Request-URL").value_or("(none)");
  EXPECT_EQ(calls[0].target, "/ok?job=7") << "the query of the absolute form is passed on";
  auto const reply = get(path_of(url));
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.body, expected_reply(data));
}

INSTANTIATE_TEST_SUITE_P(types, reply_windows_test, ::testing::Values("reference", "value"));

}  // namespace
}  // namespace bits::test
