// How long a reply lives (reference 7.5, 7.7): downloadable until Close-Session,
// Cancel-Session or expiry, then 404, with the session's spool folder removed; a copy
// the application asked for stays at the destination.
#include "reply/reply_fixture.hpp"

#include "support/digest.hpp"

#include <chrono>
#include <filesystem>
#include <ostream>
#include <thread>
#include <tuple>

namespace bits::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class lifecycle_base : public reply_test {
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

class lifecycle_test : public lifecycle_base, public ::testing::WithParamInterface<std::string> {};

/// A session ended by Close-Session or Cancel-Session after its reply was fetched,
/// with the application answering "ok" (reply only) or "copy" (reply and a copy at the
/// destination).
struct ending {
  char const* name;
  char const* packet;     ///< "Close-Session" or "Cancel-Session"
  char const* behaviour;  ///< the application's: "ok" or "copy"
  char const* file;       ///< the upload's name under /up/
  std::size_t size;
  std::uint64_t seed;
};

void PrintTo(ending const& e, std::ostream* os) {
  *os << e.name;
}

class ending_test : public lifecycle_base,
                    public ::testing::WithParamInterface<std::tuple<std::string, ending>> {};

TEST_P(ending_test, EndsTheReply) {
  auto const& [type, how] = GetParam();
  ASSERT_TRUE(start_reply(type, app_url(how.behaviour)));
  std::string const data = random_bytes(how.size, how.seed);
  std::string const target = std::string("/up/") + how.file;
  auto c = connect();
  auto const d = upload_and_fetch(c, how.file, data);
  auto const ended = c.bits_post(target, how.packet, {{"BITS-Session-Id", d.id}});
  EXPECT_EQ(ended.status, 200) << ended;
  EXPECT_EQ(ended.header_or_empty("BITS-Session-Id"), d.id);
  EXPECT_EQ(get(d.reply_path).status, 404);
  EXPECT_EQ(get(d.reply_path, {}, "HEAD").status, 404);
  EXPECT_TRUE(spool_empties_within(2.0)) << "spool still holds " << spool_entries().size();
  if (std::string_view(how.behaviour) == "copy") {
    EXPECT_EQ(read_file(root() / how.file), data);
    EXPECT_EQ(get(target).body, data) << "the copy is an ordinary download";
  } else {
    EXPECT_FALSE(fs::exists(root() / how.file));
  }
}

INSTANTIATE_TEST_SUITE_P(
    types, ending_test,
    ::testing::Combine(::testing::Values("reference", "value"),
                       ::testing::Values(ending{"ReplyIsGoneAfterClose", "Close-Session", "ok",
                                                "c.bin", 20000, 21},
                                         ending{"ReplyIsGoneAfterCancel", "Cancel-Session", "ok",
                                                "k.bin", 20000, 22},
                                         ending{"CopyAtDestinationStaysAfterClose", "Close-Session",
                                                "copy", "copy.bin", 12345, 23},
                                         ending{"CopyAtDestinationStaysAfterCancel",
                                                "Cancel-Session", "copy", "copy.bin", 12345, 24})),
    [](auto const& p) { return std::get<0>(p.param) + "_" + std::get<1>(p.param).name; });

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
