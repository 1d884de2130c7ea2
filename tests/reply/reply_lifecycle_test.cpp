// How long a reply lives (reference 7.5, 7.7): downloadable until Close-Session,
// Cancel-Session or expiry, then 404, with the session's spool folder removed; a copy
// the application asked for stays at the destination.
#include "reply/reply_fixture.hpp"

#include "support/digest.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

namespace bits::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class lifecycle_test : public reply_test, public ::testing::WithParamInterface<std::string> {
 protected:
  /// Uploads `data` to /up/<name> and checks the reply can be fetched; returns the
  /// session and the reply path.
  struct done {
    std::string id;
    std::string reply_path;
  };
  done upload_and_fetch(raw_client& c, std::string const& name, std::string const& data) {
    auto const up = upload(c, "/up/" + name, data, 8192);
    EXPECT_TRUE(is_reply_ack(up.last, data.size()));
    done d{up.id, path_of(up.last.header_or_empty("BITS-Reply-URL"))};
    auto const reply = get(d.reply_path);
    EXPECT_EQ(reply.status, 200) << reply;
    EXPECT_FALSE(reply.body.empty());
    EXPECT_EQ(spool_entries().size(), 1U) << "the session's files are in the spool";
    return d;
  }
};

TEST_P(lifecycle_test, ReplyIsGoneAfterClose) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok")));
  auto c = connect();
  auto const d = upload_and_fetch(c, "c.bin", random_bytes(20000, 21));
  auto const closed = close(c, "/up/c.bin", d.id);
  EXPECT_EQ(closed.status, 200) << closed;
  EXPECT_EQ(closed.header_or_empty("BITS-Session-Id"), d.id);
  EXPECT_EQ(get(d.reply_path).status, 404);
  EXPECT_EQ(get(d.reply_path, {}, "HEAD").status, 404);
  EXPECT_TRUE(spool_empties_within(2.0)) << "spool still holds " << spool_entries().size();
  EXPECT_FALSE(fs::exists(root() / "c.bin"));
}

TEST_P(lifecycle_test, ReplyIsGoneAfterCancel) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok")));
  auto c = connect();
  auto const d = upload_and_fetch(c, "k.bin", random_bytes(20000, 22));
  auto const cancelled = cancel(c, "/up/k.bin", d.id);
  EXPECT_EQ(cancelled.status, 200) << cancelled;
  EXPECT_EQ(get(d.reply_path).status, 404);
  EXPECT_EQ(get(d.reply_path, {}, "HEAD").status, 404);
  EXPECT_TRUE(spool_empties_within(2.0)) << "spool still holds " << spool_entries().size();
}

TEST_P(lifecycle_test, CopyAtDestinationStaysAfterClose) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("copy")));
  std::string const data = random_bytes(12345, 23);
  auto c = connect();
  auto const d = upload_and_fetch(c, "copy.bin", data);
  auto const closed = close(c, "/up/copy.bin", d.id);
  EXPECT_EQ(closed.status, 200) << closed;
  EXPECT_EQ(get(d.reply_path).status, 404);
  EXPECT_TRUE(spool_empties_within(2.0));
  EXPECT_EQ(read_file(root() / "copy.bin"), data);
  EXPECT_EQ(get("/up/copy.bin").body, data) << "the copy is an ordinary download";
}

TEST_P(lifecycle_test, CopyAtDestinationStaysAfterCancel) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("copy")));
  std::string const data = random_bytes(12345, 24);
  auto c = connect();
  auto const d = upload_and_fetch(c, "copy.bin", data);
  auto const cancelled = cancel(c, "/up/copy.bin", d.id);
  EXPECT_EQ(cancelled.status, 200) << cancelled;
  EXPECT_EQ(get(d.reply_path).status, 404);
  EXPECT_TRUE(spool_empties_within(2.0));
  EXPECT_EQ(read_file(root() / "copy.bin"), data);
}

TEST_P(lifecycle_test, ReplyIsGoneAfterExpiry) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok"), [](vdir_options& v) {
    v.set("session_timeout", 2);
    v.set("cleanup_interval", 1);
  }));
  std::string const data = random_bytes(5000, 25);
  auto c = connect();
  auto const d = upload_and_fetch(c, "e.bin", data);
  auto const deadline = std::chrono::steady_clock::now() + 8s;
  int status = 200;
  while (status != 404 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    status = get(d.reply_path).status;
  }
  EXPECT_EQ(status, 404) << "the reply outlived the session timeout";
  EXPECT_TRUE(spool_empties_within(4.0)) << "expiry left " << spool_entries().size();
  auto const late = resend_tail(c, "/up/e.bin", d.id, data, 0);
  EXPECT_EQ(late.status, 500) << late;
  EXPECT_EQ(late.header_or_empty("BITS-Error-Code"), "0x8020001F") << late;
}

TEST_P(lifecycle_test, FailedSessionIsRemovedByCancel) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("status/500")));
  auto c = connect();
  auto const up = upload(c, "/up/f.bin", random_bytes(9000, 26), 4096);
  ASSERT_TRUE(is_app_error_ack(up.last, 500, "0x801901F4"));
  EXPECT_EQ(spool_entries().size(), 1U);
  EXPECT_EQ(cancel(c, "/up/f.bin", up.id).status, 200);
  EXPECT_TRUE(spool_empties_within(2.0));
}

TEST_P(lifecycle_test, ReplayedCloseIsAcceptedAndTheReplyStaysGone) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok")));
  auto c = connect();
  auto const d = upload_and_fetch(c, "r.bin", "replay");
  EXPECT_EQ(close(c, "/up/r.bin", d.id).status, 200);
  EXPECT_EQ(close(c, "/up/r.bin", d.id).status, 200) << "a replayed Close is answered 200";
  EXPECT_EQ(get(d.reply_path).status, 404);
  auto const late = resend_tail(c, "/up/r.bin", d.id, "replay", 0);
  EXPECT_EQ(late.status, 500) << late;
}

INSTANTIATE_TEST_SUITE_P(types, lifecycle_test, ::testing::Values("reference", "value"));

}  // namespace
}  // namespace bits::test
