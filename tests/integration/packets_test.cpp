// Ping and Create-Session, packet-type handling, Content-Length rules, routing to
// virtual directories, and the access log line.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace bits::test {
namespace {

using Packets = daemon_test;

/// The first line of the daemon's log holding every one of `parts`, waiting a bounded
/// moment for it (the line may be written just after the response); "" when none.
std::string log_line_with(daemon& server, std::vector<std::string_view> const& parts) {
  for (int i = 0; i < 100; ++i) {
    std::string const log = server.log();
    std::size_t start = 0;
    while (start < log.size()) {
      auto end = log.find('\n', start);
      if (end == std::string::npos) end = log.size();
      std::string_view const line(log.data() + start, end - start);
      bool const all = std::all_of(parts.begin(), parts.end(), [&](std::string_view part) {
        return line.find(part) != std::string_view::npos;
      });
      if (all) return std::string(line);
      start = end + 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return {};
}

TEST_F(Packets, PingIsAcked) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.ping(), 200));
}

TEST_F(Packets, PingWithBodyIsInvalid) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.bits_post("/", "Ping", {}, "hello"), 400, e_invalidarg));
}

TEST_F(Packets, CreateSessionAnswersProtocolSessionIdAndEncoding) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  auto const r = client.create("/file.bin");
  ASSERT_TRUE(is_ack(r, 200));
  EXPECT_EQ(r.header_or_empty("BITS-Protocol"), protocol_guid);
  EXPECT_TRUE(is_upper_guid(r.header_or_empty("BITS-Session-Id"))) << r;
  EXPECT_EQ(r.header_or_empty("Accept-Encoding"), "identity");
  EXPECT_FALSE(r.has("BITS-Host-Id")) << r;
  EXPECT_FALSE(r.has("BITS-Host-Id-Fallback-Timeout")) << r;
  EXPECT_NE(client.create_session("/other.bin"), r.header_or_empty("BITS-Session-Id"));
}

TEST_F(Packets, CreateSessionFindsOurGuidInAnyCaseAndList) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const other = "{11111111-2222-3333-4444-555555555555}";
  std::vector<std::string> const offers = {
      "{7DF0354D-249B-430F-820D-3D2A9BEF4931}",
      other + " {7df0354d-249b-430f-820d-3d2a9bef4931}",
      other + ",{7Df0354d-249b-430f-820d-3d2a9bef4931}",
      other + ", {7df0354d-249b-430f-820d-3d2a9bef4931} {22222222-2222-3333-4444-555555555555}",
  };
  int n = 0;
  for (auto const& offer : offers) {
    std::string const path = "/f" + std::to_string(n++);
    auto const r = client.bits_post(path, "Create-Session", {{"BITS-Supported-Protocols", offer}});
    EXPECT_TRUE(is_ack(r, 200)) << "offer: " << offer;
    EXPECT_EQ(r.header_or_empty("BITS-Protocol"), protocol_guid) << "offer: " << offer;
    EXPECT_TRUE(is_upper_guid(r.header_or_empty("BITS-Session-Id"))) << "offer: " << offer;
  }
}

TEST_F(Packets, CreateSessionWithoutCommonProtocolIsInvalid) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::vector<header_list> const cases = {
      {},
      {{"BITS-Supported-Protocols", ""}},
      {{"BITS-Supported-Protocols", "{11111111-2222-3333-4444-555555555555}"}},
      {{"BITS-Supported-Protocols", "7df0354d-249b-430f-820d-3d2a9bef4931x"}},
  };
  for (auto const& headers : cases) {
    auto const r = client.bits_post("/f.bin", "Create-Session", headers);
    EXPECT_TRUE(is_error_ack(r, 400, e_invalidarg))
        << "protocols: " << (headers.empty() ? "<none>" : headers[0].second);
    EXPECT_FALSE(r.has("BITS-Protocol")) << r;
    EXPECT_FALSE(r.has("BITS-Session-Id")) << r;
  }
}

TEST_F(Packets, CreateSessionAnnouncesConfiguredHostId) {
  auto options = up_options();
  options.vdirs[0].set("host_id", "files.example.test");
  options.vdirs[0].set("host_id_fallback_timeout", 600);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  auto const r = client.create("/up/f.bin");
  ASSERT_TRUE(is_ack(r, 200));
  EXPECT_EQ(r.header_or_empty("BITS-Host-Id"), "files.example.test");
  EXPECT_EQ(r.header_or_empty("BITS-Host-Id-Fallback-Timeout"), "600");
}

TEST_F(Packets, PacketTypeIsCaseInsensitive) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.bits_post("/", "PING"), 200));
  auto const created = client.bits_post("/c.bin", "CREATE-SESSION",
                                        {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
  ASSERT_TRUE(is_ack(created, 200));
  std::string const id = created.header_or_empty("BITS-Session-Id");
  auto const r = client.bits_post(
      "/c.bin", "fragment", {{"BITS-Session-Id", id}, {"Content-Range", "bytes 0-2/3"}}, "abc");
  EXPECT_TRUE(is_fragment_ack(r, 3));
  EXPECT_TRUE(is_ack(client.bits_post("/c.bin", "close-session", {{"BITS-Session-Id", id}}), 200));
  EXPECT_EQ(read_file(root() / "c.bin"), "abc");
}

TEST_F(Packets, UnknownOrMissingPacketTypeIsInvalid) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.bits_post("/", "Upload-Everything"), 400, e_invalidarg));
  EXPECT_TRUE(is_error_ack(client.bits_post("/", "Ack"), 400, e_invalidarg));
  EXPECT_TRUE(is_error_ack(client.bits_post("/", ""), 400, e_invalidarg));
}

TEST_F(Packets, MissingContentLengthIs411) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  auto const r = client.request(bits_post_head("/", "Ping", {}, -1));
  EXPECT_TRUE(is_error_ack(r, 411, e_invalidarg));
  auto second = connect();
  auto const create = second.request(bits_post_head(
      "/f.bin", "Create-Session", {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, -1));
  EXPECT_TRUE(is_error_ack(create, 411, e_invalidarg));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
}

TEST_F(Packets, ChunkedBodyIs411) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  auto other = connect();
  auto const r = other.request(bits_post_head("/f.bin", "Fragment",
                                              {{"BITS-Session-Id", id},
                                               {"Content-Range", "bytes 0-2/3"},
                                               {"Transfer-Encoding", "chunked"}},
                                              -1) +
                               "3\r\nabc\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 411) << r;
  EXPECT_EQ(r.header_or_empty("BITS-Error-Code"), e_invalidarg) << r;
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  EXPECT_TRUE(still_serving());
}

TEST_F(Packets, UploadsDisabledIs501) {
  auto options = up_options();
  options.vdirs[0].set("upload_enabled", false);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.ping("/up/f.bin"), 501, e_accessdenied));
  EXPECT_TRUE(is_error_ack(client.create("/up/f.bin"), 501, e_accessdenied));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
}

TEST_F(Packets, PathOutsideEveryVdirIs501) {
  ASSERT_TRUE(start_config(up_options()));
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.create("/other/x"), 501, e_accessdenied));
  EXPECT_TRUE(is_error_ack(client.create("/upload/x"), 501, e_accessdenied));
  EXPECT_TRUE(is_ack(client.create("/up/x"), 200));
}

TEST_F(Packets, AccessLogNamesPeerPacketAndStatus) {
  ASSERT_TRUE(start_cli());
  {
    auto client = connect();
    ASSERT_TRUE(is_ack(client.create("/logged.bin"), 200));
  }
  EXPECT_NE(log_line_with(server(), {"127.0.0.1", "Create-Session", "200"}), "")
      << "no log line with 127.0.0.1, Create-Session and 200:\n"
      << server().log_tail(20);
}

TEST_F(Packets, AccessLogSaysWhatMadeAStorageFailure) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/cause.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/cause.bin", id, 0, 4, 10, "01234"), 5));
  // The session's data file is replaced by a folder: the next write cannot open it.
  auto const folders = spool_session_dirs();
  ASSERT_EQ(folders.size(), 1U);
  auto const data = spool() / folders[0] / "data";
  std::filesystem::remove(data);
  std::filesystem::create_directory(data);

  auto const r = client.send_fragment("/cause.bin", id, 5, 9, 10, "56789");
  EXPECT_TRUE(is_error_ack(r, 500, "0x80004005")) << r;
  EXPECT_EQ(received_range(r), 5U) << r;
  auto const line = log_line_with(server(), {"Fragment", "status=500"});
  EXPECT_NE(line.find("error=0x80004005 cause=\"open data file: Is a directory\""),
            std::string::npos)
      << line << "\n"
      << server().log_tail(20);
}

}  // namespace
}  // namespace bits::test
