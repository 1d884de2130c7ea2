// Upload-reply jobs: the reply is downloaded (ranged) before Close-Session.
#include "client/upload_job.hpp"

#include "client/failure.hpp"
#include "unit/client/job_fixture.hpp"

namespace bits::client::test {
namespace {

class UploadReply : public job_test {};

TEST_F(UploadReply, DownloadsRelativeBackslashReplyUrlBeforeClose) {
  // IIS style: a relative reference with backslashes and braces (reference 7.5).
  server.reply_url = "BITS-Sessions\\Replies\\{ID}\\reply.bin";
  std::string const reply = bits::test::random_bytes(7000, 30);
  server.files["http://files.test:8080/up/BITS-Sessions/Replies/%7BID%7D/reply.bin"] = reply;
  auto o = upload(make_file(bits::test::random_bytes(3000, 31)));
  o.reply_file = tmp / "reply.bin";
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(bits::test::read_file(o.reply_file), reply);
  EXPECT_EQ(r.summary.reply_bytes, 7000u);
  // Order: ... final Fragment, HEAD, GET, Close-Session.
  std::vector<std::string> methods;
  for (auto const& e : server.log) methods.push_back(e.packet.empty() ? e.method : e.packet);
  auto const head = std::find(methods.begin(), methods.end(), "HEAD");
  ASSERT_NE(head, methods.end());
  EXPECT_EQ(*(head - 1), "Fragment");
  EXPECT_EQ(*(head + 1), "GET");
  EXPECT_EQ(methods.back(), "Close-Session");
  auto const get = std::find_if(server.log.begin(), server.log.end(),
                                [](auto const& e) { return e.method == "GET"; });
  EXPECT_EQ(get->header("Range"), "bytes=0-6999");
}

TEST_F(UploadReply, ShortPartialAnswersAreContinuedUntilTheReplyEnds) {
  server.reply_url = "http://replies.test/r/1";
  std::string const reply = bits::test::random_bytes(7000, 32);
  server.files["http://replies.test/r/1"] = reply;
  server.max_range_bytes = 3000;  // every 206 stops after 3000 bytes, whatever was asked
  auto o = upload(make_file("payload"));
  o.reply_file = tmp / "reply.bin";
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(bits::test::read_file(o.reply_file), reply);
  std::vector<std::string> steps;
  for (auto const& e : server.log) {
    if (e.method == "GET") steps.push_back("GET " + e.header("Range"));
    if (e.packet == "Close-Session") steps.push_back("Close-Session");
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"GET bytes=0-6999", "GET bytes=3000-6999",
                                             "GET bytes=6000-6999", "Close-Session"}));
  EXPECT_EQ(r.summary.retries, 0u);
}

TEST_F(UploadReply, AbsoluteReplyUrlIsUsedAsIs) {
  server.reply_url = "http://replies.test/r/1";
  server.files["http://replies.test/r/1"] = "the reply";
  auto o = upload(make_file("payload"));
  o.reply_file = tmp / "reply.txt";
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(bits::test::read_file(o.reply_file), "the reply");
  EXPECT_EQ(r.summary.reply_url, "http://replies.test/r/1");
}

TEST_F(UploadReply, MissingReplyUrlResendsTheLastFragmentOnceThenFails) {
  auto o = upload(make_file("payload"));
  o.reply_file = tmp / "reply.txt";
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::no_reply_url));
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
  EXPECT_EQ(server.of("Fragment").size(), 2u);
  EXPECT_EQ(server.packets().back(), "Close-Session") << "the session is still released";
}

TEST_F(UploadReply, ReplyServerIgnoringRangeFailsTheJob) {
  server.reply_url = "http://replies.test/r/1";
  server.files["http://replies.test/r/1"] = "the reply";
  server.ranges = false;
  auto o = upload(make_file("payload"));
  o.reply_file = tmp / "reply.txt";
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::insufficient_range_support));
}

}  // namespace
}  // namespace bits::client::test
