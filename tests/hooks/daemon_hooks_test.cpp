// Hooks wired into the real openbitsd: a shell-script hook that refuses Create-Sessions
// (seen by the real openbits client) and gets post-commit events, the webhook receiver
// process getting signed events with the file's SHA-256, delivery after the receiver
// comes back and after a kill -9, the digest of an upload resumed after a restart, and
// Repr-Digest on GET/HEAD.
#include "hooks/hooks_fixture.hpp"

#include "hooks/sha256.hpp"
#include "support/config_writer.hpp"
#include "support/daemon_test.hpp"
#include "support/raw_client.hpp"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace bits::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr char const* secret = "key-of-the-daemon-tests";

std::string sha256_hex(std::string_view data) {
  hooks::sha256_stream s;
  s.update(data);
  return s.digest().hex();
}

std::string sha256_base64(std::string_view data) {
  hooks::sha256_stream s;
  s.update(data);
  return s.digest().base64();
}

/// `n` bytes that differ from one test to another.
std::string payload(std::size_t n, unsigned seed) {
  std::string out(n, '\0');
  std::uint32_t x = 2463534242U + seed;
  for (auto& c : out) {
    x ^= x << 13U;
    x ^= x >> 17U;
    x ^= x << 5U;
    c = static_cast<char>(x & 0xFFU);
  }
  return out;
}

std::string openbits_client_path() {
  return OPENBITS_PATH;
}

/// Sends bytes [first, end) of `data` (the whole file) to session `id` in 10,000-byte
/// fragments; true when every one is acknowledged.
bool send_range(raw_client& client, std::string const& path, std::string const& id,
                std::string_view data, std::uint64_t first, std::uint64_t end) {
  for (; first < end; first += 10000) {
    auto const last = std::min<std::uint64_t>(first + 10000, end) - 1;
    auto const r = client.send_fragment(path, id, first, last, data.size(),
                                        data.substr(first, last - first + 1));
    if (r.status != 200) return false;
  }
  return true;
}

std::string read_file(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_script(fs::path const& p, std::string const& text) {
  std::ofstream(p) << text;
  fs::permissions(p, fs::perms::owner_all);
}

class DaemonHooks : public daemon_test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << receiver_.log_tail();
    daemon_test::TearDown();
  }

  /// One vdir "/up/" whose hook is the receiver at `path`, signed with a key from a
  /// file; with `allow`, Create-Sessions are accepted while the receiver is down.
  daemon_options webhook_options(std::string_view path, bool allow = false) {
    auto const key = tmp() / "hook.key";
    std::ofstream(key) << secret << "\n";
    auto o = up_options();
    o.server.set("sync_interval", 1);
    o.vdirs[0].set("hook_url", receiver_.url(path)).set("hook_secret_file", key.string());
    if (allow) o.vdirs[0].set("hook_failure", "allow");
    return o;
  }

  /// The post-commit events the receiver got for "/up/<name>", parsed.
  std::vector<hooks::event> commits_of(std::string const& name) const {
    std::vector<hooks::event> out;
    for (auto const& c : receiver_.calls()) {
      auto e = hooks::event_from_json(c.body);
      if (c.signature_ok && e && e->type == hooks::event_type::post_commit &&
          e->url_path == "/up/" + name) {
        out.push_back(std::move(*e));
      }
    }
    return out;
  }

  /// Uploads `data` as "/up/<name>" in fragments of `fragment` bytes; true on success.
  bool put(std::string const& name, std::string const& data, std::size_t fragment = 4096) {
    auto client = connect();
    return !upload(client, "/up/" + name, data, fragment).empty();
  }

  receiver receiver_{tmp(), secret};
};

std::string const refusing_hook = R"(#!/bin/sh
# Refuses names with "bad" in them with 415 and E_INVALIDARG; keeps every event it gets.
event=$(cat)
mkdir -p "$EVENTS"
printf '%s' "$event" > "$EVENTS/$OPENBITS_HOOK_EVENT-$OPENBITS_HOOK_ID.json"
case "$OPENBITS_HOOK_EVENT:$event" in
  pre-create:*'"url_path":"/up/bad'*)
    echo '{"status": 415, "bits_error_code": "0x80070057", "reason": "bad name"}'
    exit 1 ;;
esac
exit 0
)";

TEST_F(DaemonHooks, ExecHookRefusesACreateWithItsStatusAndCodeSeenByTheClient) {
  auto const hook = tmp() / "hook.sh";
  write_script(hook, refusing_hook);
  auto o = up_options();
  o.vdirs[0].set("hook_command", hook.string());
  set_env({"EVENTS=" + (tmp() / "events").string()});
  ASSERT_TRUE(start_config(o));

  std::ofstream(tmp() / "bad.bin") << "refused";
  auto const url = "http://127.0.0.1:" + std::to_string(port()) + "/up/";
  auto const refused = run_to_exit(
      openbits_client_path(),
      {"upload", (tmp() / "bad.bin").string(), url + "bad.bin", "--no-state", "--retry-for", "5s"},
      30s);
  EXPECT_EQ(refused.status.code, 4) << refused.output;  // refused by the server
  EXPECT_NE(refused.output.find("0x80070057"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("HTTP 415"), std::string::npos) << refused.output;
  EXPECT_FALSE(fs::exists(root() / "bad.bin"));
  EXPECT_TRUE(spool_session_dirs().empty());

  std::string const data = payload(100000, 1);
  std::ofstream(tmp() / "good.bin", std::ios::binary) << data;
  auto const accepted =
      run_to_exit(openbits_client_path(),
                  {"upload", (tmp() / "good.bin").string(), url + "good.bin", "--no-state"}, 30s);
  ASSERT_EQ(accepted.status.code, 0) << accepted.output;
  EXPECT_EQ(read_file(root() / "good.bin"), data);

  // The same program gets the post-commit event, with the file's SHA-256.
  std::optional<hooks::event> commit;
  ASSERT_TRUE(eventually([&] {
    for (auto const& f : fs::directory_iterator(tmp() / "events")) {
      if (f.path().filename().string().starts_with("post-commit-")) {
        commit = hooks::event_from_json(read_file(f.path()));
        return commit.has_value();
      }
    }
    return false;
  })) << server().log_tail();
  EXPECT_EQ(commit->url_path, "/up/good.bin");
  EXPECT_EQ(commit->file_path, fs::canonical(root() / "good.bin").string());
  EXPECT_EQ(commit->size, data.size());
  ASSERT_TRUE(commit->sha256);
  EXPECT_EQ(commit->sha256->hex(), sha256_hex(data));
  EXPECT_EQ(commit->client_address, "127.0.0.1");
  EXPECT_TRUE(commit->session_id);
  EXPECT_TRUE(commit->created);
  EXPECT_TRUE(commit->committed);
}

TEST_F(DaemonHooks, PreCreateHookThatCrashesFollowsHookFailure) {
  auto const hook = tmp() / "crash.sh";
  write_script(hook, "#!/bin/sh\nkill -9 $$\n");
  auto o = up_options();
  o.vdirs[0].set("hook_command", hook.string());
  ASSERT_TRUE(start_config(o));
  auto client = connect();
  auto const r = client.create("/up/a.bin");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header_or_empty("BITS-Error-Code"), "0x801901F7");

  ASSERT_TRUE(server().stop().exited);
  o.vdirs[0].set("hook_failure", "allow");
  ASSERT_TRUE(start_config(o));
  auto again = connect();
  EXPECT_EQ(again.create("/up/a.bin").status, 200);
}

TEST_F(DaemonHooks, WebhookGetsSignedPostCommitWithTheDigestAndGetSendsReprDigest) {
  ASSERT_TRUE(receiver_.start());
  auto o = webhook_options("ok");
  o.vdirs[0].set("checksum_xattr", true);
  ASSERT_TRUE(start_config(o));
  std::string const data = payload(70000, 2);
  ASSERT_TRUE(put("signed.bin", data, 16384));
  ASSERT_TRUE(eventually([&] { return !commits_of("signed.bin").empty(); })) << server().log_tail();
  auto const e = commits_of("signed.bin").front();
  ASSERT_TRUE(e.sha256);
  EXPECT_EQ(e.sha256->hex(), sha256_hex(data));
  EXPECT_EQ(e.size, data.size());
  for (auto const& c : receiver_.calls()) {
    EXPECT_TRUE(c.signature_ok) << c.path;
    EXPECT_TRUE(c.timestamp_ok) << c.path;
  }
  // The pre-create event came first, from the same webhook.
  ASSERT_FALSE(receiver_.calls().empty());
  EXPECT_EQ(receiver_.calls().front().event_type, "pre-create");

  char value[256];
  if (::getxattr((root() / "signed.bin").c_str(), "user.openbits.sha256", value, sizeof value) <
      0) {
    GTEST_SKIP() << "the test filesystem keeps no user extended attributes";
  }
  std::string const expected = "sha-256=:" + sha256_base64(data) + ":";
  auto const got = get("/up/signed.bin");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header_or_empty("Repr-Digest"), expected);
  EXPECT_EQ(got.header_or_empty("Digest"), "SHA-256=" + sha256_base64(data));
  auto const head = get("/up/signed.bin", {}, "HEAD");
  EXPECT_EQ(head.header_or_empty("Repr-Digest"), expected);
  auto const range = get("/up/signed.bin", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.header_or_empty("Repr-Digest"), expected);
}

TEST_F(DaemonHooks, ReceiverDownThenUpGetsEveryEvent) {
  ASSERT_TRUE(receiver_.start());  // to learn its port
  receiver_.stop();
  ASSERT_TRUE(start_config(webhook_options("ok", true)));
  std::string const a = payload(5000, 3);
  std::string const b = payload(6000, 4);
  ASSERT_TRUE(put("a.bin", a));
  ASSERT_TRUE(put("b.bin", b));
  std::this_thread::sleep_for(1500ms);  // a few attempts fail meanwhile
  ASSERT_TRUE(receiver_.start());
  ASSERT_TRUE(
      eventually([&] { return !commits_of("a.bin").empty() && !commits_of("b.bin").empty(); }, 20s))
      << server().log_tail();
  EXPECT_EQ(commits_of("a.bin").front().sha256->hex(), sha256_hex(a));
  EXPECT_EQ(commits_of("b.bin").front().sha256->hex(), sha256_hex(b));
}

TEST_F(DaemonHooks, KillAfterTheAckDeliversTheEventAfterTheRestart) {
  ASSERT_TRUE(receiver_.start());
  receiver_.stop();  // nothing can be delivered before the kill
  ASSERT_TRUE(start_config(webhook_options("ok", true)));
  std::string const data = payload(9000, 5);
  ASSERT_TRUE(put("killed.bin", data));  // the completing Ack came back
  server().kill9();
  ASSERT_TRUE(receiver_.start());
  ASSERT_TRUE(restart());
  ASSERT_TRUE(eventually([&] { return !commits_of("killed.bin").empty(); }, 15s))
      << server().log_tail();
  EXPECT_EQ(commits_of("killed.bin").front().sha256->hex(), sha256_hex(data));
}

TEST_F(DaemonHooks, UploadResumedAfterARestartHasTheDigestOfTheWholeFile) {
  ASSERT_TRUE(receiver_.start());
  ASSERT_TRUE(start_config(webhook_options("ok")));
  std::string const data = payload(60000, 6);
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/up/resumed.bin");
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(send_range(client, "/up/resumed.bin", id, data, 0, 20000));
    std::this_thread::sleep_for(2500ms);  // synced with its digest state (sync_interval 1)
    ASSERT_TRUE(send_range(client, "/up/resumed.bin", id, data, 20000, 40000));
  }
  // The state saved covers 20,000 bytes; 40,000 are held: the rest is read back.
  ASSERT_TRUE(restart_on_same_port());
  auto client = connect();
  ASSERT_TRUE(send_range(client, "/up/resumed.bin", id, data, 40000, data.size()));
  EXPECT_EQ(read_file(root() / "resumed.bin"), data);
  ASSERT_TRUE(eventually([&] { return !commits_of("resumed.bin").empty(); }))
      << server().log_tail();
  EXPECT_EQ(commits_of("resumed.bin").front().sha256->hex(), sha256_hex(data));
}

}  // namespace
}  // namespace bits::test
