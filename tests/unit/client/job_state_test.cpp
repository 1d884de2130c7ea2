// State files: round trips, atomic replacement, locking, default locations.
#include "client/job_state.hpp"

#include "client/failure.hpp"
#include "support/digest.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace bits::client {
namespace {

upload_state sample_upload() {
  upload_state s;
  s.url = "https://files.test/up/a.bin";
  s.file = "/home/u/a.bin";
  s.identity = {123456789012ull, 1'700'000'000'123'456'789ll, 42, 7};
  s.session_id = "{3F2B8C10-6A7E-4C55-9D11-0B8E2A7C4D90}";
  s.host_id = "node7";
  s.host_id_fallback_s = 86400;
  s.offset = 65536;
  s.reply_url = "http://r/1";
  return s;
}

TEST(JobState, UploadStateRoundTrips) {
  bits::test::temp_dir tmp;
  auto sf = state_file::open(tmp / "s.json");
  ASSERT_TRUE(sf);
  ASSERT_FALSE(sf->save(sample_upload(), true));
  auto loaded = sf->load_upload();
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(**loaded, sample_upload());
  EXPECT_FALSE(std::filesystem::exists(tmp / "s.json.tmp"));
}

TEST(JobState, DownloadStateRoundTrips) {
  bits::test::temp_dir tmp;
  auto sf = state_file::open(tmp / "d.json");
  ASSERT_TRUE(sf);
  download_state const d{"http://x/y", "/tmp/y", 99, "Tue, 01 Oct 2024 10:00:00 GMT", "\"e\""};
  ASSERT_FALSE(sf->save(d, false));
  auto loaded = sf->load_download();
  ASSERT_TRUE(loaded && *loaded);
  EXPECT_EQ(**loaded, d);
  auto as_upload = sf->load_upload();
  ASSERT_FALSE(as_upload) << "a download state is not an upload state";
}

TEST(JobState, MissingFileIsNoState) {
  bits::test::temp_dir tmp;
  auto sf = state_file::open(tmp / "sub" / "dir" / "s.json");
  ASSERT_TRUE(sf);
  auto loaded = sf->load_upload();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
}

TEST(JobState, GarbageIsInvalid) {
  bits::test::temp_dir tmp;
  for (std::string const text :
       {"not json", "{}", R"({"version":1,"kind":"upload"})",
        R"({"version":2,"kind":"upload","url":"u","session_id":"s","offset":0})",
        R"({"version":1,"kind":"upload","url":"u","session_id":"s","offset":-1,"identity":{}})"}) {
    ASSERT_TRUE(bits::test::write_file(tmp / "s.json", text));
    auto sf = state_file::open(tmp / "s.json");
    ASSERT_TRUE(sf);
    auto loaded = sf->load_upload();
    ASSERT_FALSE(loaded) << text;
    EXPECT_EQ(loaded.error(), make_error_code(errc::state_invalid));
  }
}

TEST(JobState, SecondOpenIsLockedUntilTheFirstCloses) {
  bits::test::temp_dir tmp;
  {
    auto first = state_file::open(tmp / "s.json");
    ASSERT_TRUE(first);
    auto second = state_file::open(tmp / "s.json");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), make_error_code(errc::state_locked));
  }
  EXPECT_TRUE(state_file::open(tmp / "s.json"));
}

TEST(JobState, RemoveDeletesStateAndLock) {
  bits::test::temp_dir tmp;
  auto sf = state_file::open(tmp / "s.json");
  ASSERT_TRUE(sf);
  ASSERT_FALSE(sf->save(sample_upload(), false));
  sf->remove();
  EXPECT_FALSE(std::filesystem::exists(tmp / "s.json"));
  EXPECT_FALSE(std::filesystem::exists(tmp / "s.json.lock"));
}

TEST(JobState, DefaultLocationFollowsXdgThenHomeAndIsKeyedByJob) {
  char const* old_xdg = std::getenv("XDG_STATE_HOME");
  std::string const saved = old_xdg != nullptr ? old_xdg : "";
  ::setenv("XDG_STATE_HOME", "/xdg/state", 1);
  auto a = default_state_path("upload", "/data/a.bin", "http://h/a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->parent_path(), "/xdg/state/openbits");
  EXPECT_EQ(a->filename().string().rfind("upload-", 0), 0u);
  EXPECT_EQ(a->extension(), ".json");
  EXPECT_EQ(*a, *default_state_path("upload", "/data/a.bin", "http://h/a"));
  EXPECT_NE(*a, *default_state_path("upload", "/data/b.bin", "http://h/a"));
  EXPECT_NE(*a, *default_state_path("upload", "/data/a.bin", "http://h/b"));
  ::unsetenv("XDG_STATE_HOME");
  auto b = default_state_path("upload", "/data/a.bin", "http://h/a");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->parent_path(), std::filesystem::path(std::getenv("HOME")) / ".local/state/openbits");
  if (old_xdg != nullptr) ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
}

}  // namespace
}  // namespace bits::client
