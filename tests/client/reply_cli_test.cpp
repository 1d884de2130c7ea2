// `openbits upload --reply` against openbitsd in upload-reply mode, with the reply
// suite's application (support/reply_app) behind it: the reply is fetched
// while the session is open, and only then is the session closed (reference 3.4, 7.7).
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"
#include "support/reply_app.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

namespace bits::test {
namespace {

class ReplyCli : public client_test, public ::testing::WithParamInterface<std::string> {
 protected:
  void TearDown() override {
    if (app_.started() && HasFailure()) {
      std::cerr << "---- application log ----\n" << app_.log_tail(40);
    }
    app_.stop();
    client_test::TearDown();
  }

  reply_app app_{tmp()};
};

/// Index of the first of `lines` starting with `prefix`, at or after index `from`;
/// -1 when there is none.
long find_line(std::vector<std::string> const& lines, std::string const& prefix, long from = 0) {
  for (auto i = static_cast<std::size_t>(from); i < lines.size(); ++i) {
    if (lines[i].starts_with(prefix)) return static_cast<long>(i);
  }
  return -1;
}

TEST_P(ReplyCli, FetchesTheReplyBeforeClosingTheSession) {
  if (!reply_app::available()) GTEST_SKIP() << "no python3 for the reply application";
  auto const app = app_.start();
  ASSERT_NE(app, 0);
  ASSERT_TRUE(
      start(vdir_options{}
                .set("notification_type", GetParam())
                .set("notification_url", "http://127.0.0.1:" + std::to_string(app) + "/ok")));
  auto const file = random_file("in.bin", 200'000, 80);
  auto const reply = tmp() / "reply.txt";
  auto const r =
      openbits({"upload", file.string(), url("in.bin"), "--reply", reply.string(), "--json", "-v",
                "--fragment-size", "64K", "--state", (tmp() / "s.json").string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  std::string const tag = GetParam() == "value" ? "reply:value:" : "reply:ref:";
  EXPECT_EQ(read_file(reply), tag + sha256_file_hex(file));
  EXPECT_EQ(r.json["reply_bytes"], tag.size() + 64);

  // The order on the wire (-v): the last Fragment, HEAD and GET of the reply, Close.
  std::vector<std::string> lines;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);) {
    if (line.starts_with("openbits: > ")) lines.push_back(line.substr(10));
  }
  long const last_fragment = find_line(lines, "> Fragment bytes 196608-199999/200000");
  long const head = find_line(lines, "> HEAD ", last_fragment);
  long const get = find_line(lines, "> GET ", head);
  long const close = find_line(lines, "> Close-Session ", get);
  EXPECT_GE(last_fragment, 0) << r.err;
  EXPECT_GT(head, last_fragment) << r.err;
  EXPECT_GT(get, head) << r.err;
  EXPECT_GT(close, get) << r.err;
  EXPECT_EQ(find_line(lines, "> Close-Session "), close) << "one Close, after the reply";

  // Close-Session released the session and its reply: fetching it now fails.
  EXPECT_EQ(spool_sessions(), 0u);
  auto const again = openbits({"download", r.json["reply_url"].get<std::string>(),
                               (tmp() / "again.txt").string(), "--no-state"});
  EXPECT_EQ(again.code(), 4) << again.describe();
  EXPECT_NE(again.err.find("HTTP 404"), std::string::npos) << again.err;
}

INSTANTIATE_TEST_SUITE_P(Notification, ReplyCli, ::testing::Values("value", "reference"));

}  // namespace
}  // namespace bits::test
