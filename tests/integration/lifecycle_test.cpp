// Close-Session and Cancel-Session in every state, overwrite and destination rules,
// session expiry, and two connections working on one session.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <sys/stat.h>

namespace bits::test {
namespace {

using Lifecycle = daemon_test;
using namespace std::chrono_literals;

TEST_F(Lifecycle, CloseAfterCompletionKeepsFileAndReplays) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const data = random_bytes(1000, 20);
  std::string const id = upload(client, "/f.bin", data, 400);
  ASSERT_FALSE(id.empty());
  auto const closed = client.close_session("/f.bin", id);
  EXPECT_TRUE(is_ack(closed, 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
  EXPECT_TRUE(is_ack(client.close_session("/f.bin", id), 200)) << "replayed Close";
  EXPECT_TRUE(is_error_ack(client.send_fragment("/f.bin", id, 0, 9, 1000, data.substr(0, 10)), 500,
                           bg_e_session_not_found));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
  EXPECT_TRUE(spool_session_dirs().empty());
}

TEST_F(Lifecycle, CloseOfPartialUploadDiscardsIt) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 1000, random_bytes(100, 21)), 100));
  EXPECT_TRUE(is_ack(client.close_session("/f.bin", id), 200));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  EXPECT_TRUE(spool_session_dirs().empty());
}

TEST_F(Lifecycle, CancelDiscardsPartialDataAndReplays) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 1000, random_bytes(100, 22)), 100));
  EXPECT_TRUE(is_ack(client.cancel_session("/f.bin", id), 200));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  EXPECT_TRUE(spool_session_dirs().empty());
  EXPECT_TRUE(is_ack(client.cancel_session("/f.bin", id), 200)) << "replayed Cancel";
  EXPECT_TRUE(is_error_ack(client.close_session("/f.bin", id), 500, bg_e_session_not_found));
  EXPECT_TRUE(is_error_ack(client.send_fragment("/f.bin", id, 100, 109, 1000, random_bytes(10, 1)),
                           500, bg_e_session_not_found));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
}

TEST_F(Lifecycle, CancelAfterCompletionKeepsFile) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const data = random_bytes(500, 23);
  std::string const id = upload(client, "/f.bin", data, 500);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(is_ack(client.cancel_session("/f.bin", id), 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Lifecycle, ExistingDestinationIsRefusedWithoutOverwrite) {
  ASSERT_TRUE(start_cli());
  ASSERT_TRUE(write_file(root() / "f.bin", "original"));
  auto client = connect();
  auto const r = client.create("/f.bin");
  EXPECT_TRUE(is_error_ack(r, 403, e_accessdenied));
  EXPECT_FALSE(r.has("BITS-Session-Id")) << r;
  EXPECT_EQ(read_file(root() / "f.bin"), "original");
}

TEST_F(Lifecycle, OverwriteReplacesDestinationWhenAllowed) {
  auto options = up_options();
  options.vdirs[0].set("allow_overwrites", true);
  ASSERT_TRUE(start_config(options));
  ASSERT_TRUE(write_file(root() / "f.bin", "original"));
  auto client = connect();
  std::string const data = random_bytes(3000, 24);
  std::string const id = upload(client, "/up/f.bin", data, 1000);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Lifecycle, DestinationCreatedDuringUploadIsNotReplaced) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const data = random_bytes(200, 25);
  std::string const id = client.create_session("/f.bin");
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 200, data.substr(0, 100)), 100));
  ASSERT_TRUE(write_file(root() / "f.bin", "someone else"));
  auto const r = client.send_fragment("/f.bin", id, 100, 199, 200, data.substr(100));
  EXPECT_TRUE(is_error_ack(r, 403, e_accessdenied));
  EXPECT_EQ(read_file(root() / "f.bin"), "someone else");
}

TEST_F(Lifecycle, MissingParentFolderIs404) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.create("/no/such/dir/f.bin"), 404, e_path_not_found));
  EXPECT_FALSE(std::filesystem::exists(root() / "no"));
}

TEST_F(Lifecycle, DirectoryUrlIsInvalid) {
  ASSERT_TRUE(start_cli());
  std::filesystem::create_directory(root() / "dir");
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.create("/dir"), 400, e_invalidarg));
  EXPECT_TRUE(is_error_ack(client.create("/dir/"), 400, e_invalidarg));
  EXPECT_TRUE(is_error_ack(client.create("/newname/"), 400, e_invalidarg));
  EXPECT_TRUE(is_error_ack(client.create("/"), 400, e_invalidarg));
  EXPECT_TRUE(std::filesystem::is_directory(root() / "dir"));
  EXPECT_FALSE(std::filesystem::exists(root() / "newname"));
}

TEST_F(Lifecycle, ExpiredSessionIsGone) {
  auto options = up_options();
  options.vdirs[0].set("session_timeout", 1);
  options.vdirs[0].set("cleanup_interval", 1);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  std::string const id = client.create_session("/up/f.bin");
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/up/f.bin", id, 0, 9, 20, "0123456789"), 10));
  EXPECT_FALSE(spool_session_dirs().empty()) << "open session has no spool folder";
  std::this_thread::sleep_for(2500ms);
  auto again = connect();
  EXPECT_TRUE(is_error_ack(again.send_fragment("/up/f.bin", id, 10, 19, 20, "0123456789"), 500,
                           bg_e_session_not_found));
  // The sweep may run just after the answer; allow it a bounded moment.
  for (int i = 0; i < 100 && !spool_session_dirs().empty(); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(spool_session_dirs().empty()) << "spool still holds a session folder";
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
}

TEST_F(Lifecycle, SecondConnectionOnBusySessionStaysConsistent) {
  ASSERT_TRUE(start_cli());
  constexpr std::size_t size = 256 * 1024;
  constexpr std::size_t half = 64 * 1024;
  std::string const data = random_bytes(size, 26);
  auto a = connect();
  std::string const id = a.create_session("/f.bin");
  std::string const part = data.substr(0, 2 * half);
  // A sends the head and half the body of 0..128K-1, then pauses.
  ASSERT_TRUE(a.send(bits_post_head(
      "/f.bin", "Fragment",
      {{"BITS-Session-Id", id}, {"Content-Range", content_range(0, 2 * half - 1, size)}},
      static_cast<long long>(part.size()))));
  ASSERT_TRUE(a.send(std::string_view(part).substr(0, half)));
  std::this_thread::sleep_for(200ms);
  // B retransmits the same fragment meanwhile.
  auto b = connect();
  ASSERT_TRUE(b.send(bits_post_head("/f.bin", "Fragment",
                                    {{"BITS-Session-Id", id},
                                     {"Content-Range", content_range(0, 2 * half - 1, size)}},
                                    static_cast<long long>(part.size())) +
                     part));
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(a.send(std::string_view(part).substr(half)));
  auto const ra = a.read_response();
  auto const rb = b.read_response();
  if (rb.status == 503) {
    EXPECT_TRUE(rb.has("Retry-After")) << rb;
    EXPECT_TRUE(is_fragment_ack(ra, 2 * half));
  } else {
    // B waited for A, or went first and A's bytes became a duplicate: both end at 128K.
    EXPECT_TRUE(is_fragment_ack(ra, 2 * half));
    EXPECT_TRUE(is_fragment_ack(rb, 2 * half));
  }
  auto const rest = a.send_fragment("/f.bin", id, 2 * half, size - 1, size, data.substr(2 * half));
  EXPECT_TRUE(is_fragment_ack(rest, size));
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
}

}  // namespace
}  // namespace bits::test
