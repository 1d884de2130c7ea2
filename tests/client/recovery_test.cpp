// The server-driven recoveries against openbitsd: 413 shrinking, resynchronisation
// from 416 and 200, and a new session after BG_E_SESSION_NOT_FOUND.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"
#include "support/raw_client.hpp"

#include <sys/stat.h>

namespace bits::test {
namespace {

class Recovery : public client_test {
 protected:
  std::filesystem::path state() const { return tmp() / "job.json"; }

  /// The state file a run interrupted at `offset` of session `id` would leave (the
  /// format documented in docs/client.md).
  void write_state(std::filesystem::path const& file, std::string const& target,
                   std::string const& id, std::uint64_t offset) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    nlohmann::json j = {
        {"version", 1},
        {"kind", "upload"},
        {"url", target},
        {"file", file.string()},
        {"identity",
         {{"size", static_cast<std::uint64_t>(st.st_size)},
          {"mtime_ns",
           static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec},
          {"inode", static_cast<std::uint64_t>(st.st_ino)},
          {"device", static_cast<std::uint64_t>(st.st_dev)}}},
        {"session_id", id},
        {"host_id", ""},
        {"offset", offset},
        {"reply_url", ""}};
    ASSERT_TRUE(write_file(state(), j.dump()));
  }
};

TEST_F(Recovery, ShrinksFragmentsOn413) {
  vdir_options v;
  v.set("max_fragment_size", 16384);
  ASSERT_TRUE(start(v));
  auto const file = random_file("a.bin", 2 << 20, 1);
  auto const r = openbits({"upload", file.string(), url("a.bin"), "--json", "--state",
                           state().string(), "--fragment-size", "1M"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["shrinks"], 6);  // 1M -> 512K -> ... -> 16K
  EXPECT_EQ(r.json["fragment_size"], 16384);
  EXPECT_EQ(sha256_file_hex(root() / "a.bin"), sha256_file_hex(file));
}

TEST_F(Recovery, ShrinksDownToTheFiveKibMinimum) {
  vdir_options v;
  v.set("max_fragment_size", 5120);
  ASSERT_TRUE(start(v));
  auto const file = random_file("m.bin", 30'000, 2);
  auto const r = openbits({"upload", file.string(), url("m.bin"), "--json", "--state",
                           state().string(), "--fragment-size", "64K"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["fragment_size"], 5120);
  EXPECT_EQ(r.json["fragments"], 6);
  EXPECT_EQ(sha256_file_hex(root() / "m.bin"), sha256_file_hex(file));
}

TEST_F(Recovery, ResynchronisesFrom416WhenTheServerHoldsLessThanTheState) {
  ASSERT_TRUE(start());
  std::string const data = random_bytes(100'000, 3);
  auto const file = tmp() / "r.bin";
  ASSERT_TRUE(write_file(file, data));
  raw_client raw(port());
  std::string const id = raw.create_session("/up/r.bin");
  ASSERT_FALSE(id.empty());
  auto const ack = raw.send_fragment("/up/r.bin", id, 0, 9999, 100'000, data.substr(0, 10'000));
  ASSERT_EQ(ack.status, 200) << ack.describe();
  write_state(file, url("r.bin"), id, 60'000);  // the client believes the server has more
  auto const r = openbits(
      {"upload", file.string(), url("r.bin"), "--json", "--state", state().string(), "-v"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["session_id"], id);
  EXPECT_EQ(r.json["resumed_from"], 10'000);
  EXPECT_GE(r.json["resyncs"].get<int>(), 1);
  EXPECT_NE(r.err.find("< 416"), std::string::npos) << r.err;
  EXPECT_EQ(sha256_file_hex(root() / "r.bin"), sha256_hex(data));
}

TEST_F(Recovery, ResynchronisesFrom200WhenTheServerHoldsMore) {
  ASSERT_TRUE(start());
  std::string const data = random_bytes(100'000, 4);
  auto const file = tmp() / "m.bin";
  ASSERT_TRUE(write_file(file, data));
  raw_client raw(port());
  std::string const id = raw.create_session("/up/m.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(raw.send_fragment("/up/m.bin", id, 0, 29'999, 100'000, data.substr(0, 30'000)).status,
            200);
  write_state(file, url("m.bin"), id, 0);  // an old offset (saves are throttled)
  auto const r = openbits({"upload", file.string(), url("m.bin"), "--json", "--state",
                           state().string(), "--fragment-size", "8K"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["session_id"], id);
  EXPECT_GE(r.json["resyncs"].get<int>(), 1);
  EXPECT_LE(r.json["bytes_sent"].get<int>(), 70'000 + 8192 * 4);
  EXPECT_EQ(sha256_file_hex(root() / "m.bin"), sha256_hex(data));
}

TEST_F(Recovery, StartsANewSessionWhenTheServerNoLongerKnowsIt) {
  ASSERT_TRUE(start());
  std::string const data = random_bytes(50'000, 5);
  auto const file = tmp() / "n.bin";
  ASSERT_TRUE(write_file(file, data));
  raw_client raw(port());
  std::string const id = raw.create_session("/up/n.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(raw.cancel_session("/up/n.bin", id).status, 200);  // gone on the server
  write_state(file, url("n.bin"), id, 20'000);
  auto const r = openbits(
      {"upload", file.string(), url("n.bin"), "--json", "--state", state().string(), "-v"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["restarts"], 1);
  EXPECT_NE(r.json["session_id"], id);
  EXPECT_NE(r.err.find("BITS-Error-Code: 0x8020001F"), std::string::npos) << r.err;
  EXPECT_EQ(sha256_file_hex(root() / "n.bin"), sha256_hex(data));
}

TEST_F(Recovery, ExpiredSessionIsRestartedToo) {
  vdir_options v;
  v.set("session_timeout", 1);
  v.set("cleanup_interval", 1);
  ASSERT_TRUE(start(v));
  std::string const data = random_bytes(20'000, 6);
  auto const file = tmp() / "e.bin";
  ASSERT_TRUE(write_file(file, data));
  raw_client raw(port());
  std::string const id = raw.create_session("/up/e.bin");
  ASSERT_FALSE(id.empty());
  write_state(file, url("e.bin"), id, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // session_timeout + sweep
  auto const r =
      openbits({"upload", file.string(), url("e.bin"), "--json", "--state", state().string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["restarts"], 1);
  EXPECT_EQ(sha256_file_hex(root() / "e.bin"), sha256_hex(data));
}

}  // namespace
}  // namespace bits::test
