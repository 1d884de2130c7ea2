// HTTP behaviour around the BITS packets: other methods on upload URLs, downloads,
// keep-alive, 100-continue, Connection: close, pipelining, slow clients and clients
// that vanish in the middle of a fragment.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

using Http = daemon_test;
using namespace std::chrono_literals;

std::string plain_request(std::string_view method, std::string_view target,
                          std::string_view extra = "") {
  return std::string(method) + " " + std::string(target) +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n" + std::string(extra) + "\r\n";
}

TEST_F(Http, OptionsListsBitsPost) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  auto const r = client.request(plain_request("OPTIONS", "/f.bin"));
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_TRUE(r.header_or_empty("Allow").find("BITS_POST") != std::string::npos) << r;
}

TEST_F(Http, OtherMethodsAre405AndWriteNothing) {
  ASSERT_TRUE(start_cli());
  for (std::string const method : {"POST", "PUT", "DELETE", "bits_post", "PATCH"}) {
    auto client = connect();
    std::string const body = "payload";
    auto const r =
        client.request(method +
                       " /f.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "BITS-Packet-Type: Create-Session\r\n"
                       "BITS-Supported-Protocols: " +
                       std::string(protocol_guid) + "\r\nContent-Length: 7\r\n\r\n" + body);
    EXPECT_EQ(r.status, 405) << method << "\n" << r;
    EXPECT_TRUE(r.header_or_empty("Allow").find("BITS_POST") != std::string::npos) << method << "\n"
                                                                                   << r;
    EXPECT_FALSE(r.has("BITS-Session-Id")) << method << "\n" << r;
  }
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  EXPECT_TRUE(spool_session_dirs().empty());
}

TEST_F(Http, GetServesCommittedFiles) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const data = random_bytes(70000, 30);
  std::string const id = upload(client, "/f.bin", data, 32768);
  ASSERT_FALSE(id.empty());
  auto const got = client.request(plain_request("GET", "/f.bin"));
  EXPECT_EQ(got.status, 200) << got;
  EXPECT_EQ(got.body.size(), data.size());
  EXPECT_TRUE(got.body == data) << "GET returned different bytes";
  auto const missing = client.request(plain_request("GET", "/missing.bin"));
  EXPECT_EQ(missing.status, 404) << missing;
}

TEST_F(Http, TwoHundredPacketsOnOneConnection) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  int packets = 0;
  for (int s = 0; s < 25; ++s) {
    std::string const name = "/s" + std::to_string(s) + ".bin";
    std::string const data = random_bytes(5000, 100 + static_cast<unsigned>(s));
    ASSERT_TRUE(is_ack(client.ping(), 200)) << "packet " << packets;
    std::string const id = client.create_session(name);
    ASSERT_FALSE(id.empty()) << "packet " << packets;
    packets += 2;
    for (std::size_t first = 0; first < data.size(); first += 1000) {
      auto const r =
          client.send_fragment(name, id, first, first + 999, data.size(), data.substr(first, 1000));
      ASSERT_TRUE(is_fragment_ack(r, first + 1000)) << "packet " << packets;
      ++packets;
    }
    ASSERT_TRUE(is_ack(client.close_session(name, id), 200)) << "packet " << packets;
    ++packets;
    EXPECT_EQ(read_file(root() / name.substr(1)), data) << name;
  }
  EXPECT_EQ(packets, 200);
}

TEST_F(Http, ExpectContinueOnFragment) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  ASSERT_TRUE(client.send(bits_post_head(
      "/f.bin", "Fragment",
      {{"BITS-Session-Id", id}, {"Content-Range", "bytes 0-9/10"}, {"Expect", "100-continue"}},
      10)));
  auto const interim = client.read_response();
  EXPECT_EQ(interim.version, "HTTP/1.1") << interim;
  EXPECT_EQ(interim.status, 100) << interim;
  ASSERT_TRUE(client.send("0123456789"));
  EXPECT_TRUE(is_fragment_ack(client.read_response(), 10));
  EXPECT_EQ(read_file(root() / "f.bin"), "0123456789");
}

TEST_F(Http, ExpectContinueForUnknownSessionGetsFinalAnswerAtOnce) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  client.set_timeout(3s);
  ASSERT_TRUE(
      client.send(bits_post_head("/f.bin", "Fragment",
                                 {{"BITS-Session-Id", "{5A1E0C6B-3D2F-4E8A-9B7C-1D2E3F4A5B6C}"},
                                  {"Content-Range", "bytes 0-9/10"},
                                  {"Expect", "100-continue"}},
                                 10)));
  auto const r = client.read_response();
  EXPECT_NE(r.status, 100) << r;
  EXPECT_TRUE(is_error_ack(r, 500, bg_e_session_not_found));
}

TEST_F(Http, ConnectionCloseIsHonoured) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  auto const r = client.request(
      "BITS_POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nBITS-Packet-Type: Ping\r\n"
      "Content-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(is_ack(r, 200));
  EXPECT_TRUE(client.wait_for_close(5s)) << "connection still open after Connection: close";
}

TEST_F(Http, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  ASSERT_TRUE(
      client.send(bits_post_head("/", "Ping", {}, 0) +
                  bits_post_head("/p.bin", "Create-Session",
                                 {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, 0) +
                  bits_post_head("/", "Ping", {}, 0)));
  auto const first = client.read_response();
  auto const second = client.read_response();
  auto const third = client.read_response();
  EXPECT_TRUE(is_ack(first, 200));
  EXPECT_FALSE(first.has("BITS-Session-Id")) << first;
  EXPECT_TRUE(is_ack(second, 200));
  EXPECT_TRUE(is_upper_guid(second.header_or_empty("BITS-Session-Id"))) << second;
  EXPECT_TRUE(is_ack(third, 200));
  EXPECT_FALSE(third.has("BITS-Session-Id")) << third;
}

TEST_F(Http, SlowHeaderSenderIsDisconnected) {
  auto options = up_options();
  options.server.set("header_timeout", 2);
  ASSERT_TRUE(start_config(options));
  auto slow = connect();
  std::string const head = bits_post_head("/up/", "Ping", {}, 0);
  auto const start = std::chrono::steady_clock::now();
  bool closed = false;
  int served = 0;
  for (std::size_t i = 0; i < head.size() && !closed; ++i) {
    if (std::chrono::steady_clock::now() - start > 8s) break;
    closed = !slow.send(head.substr(i, 1));
    auto other = connect();
    served += other.ping("/up/").status == 200 ? 1 : 0;
    if (!closed) closed = slow.wait_for_close(1s);
  }
  auto const elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed) << "slow client still connected after 8 s";
  EXPECT_LE(elapsed, 5500ms);
  EXPECT_GE(served, 2) << "other clients were not served meanwhile";
  EXPECT_TRUE(still_serving());
}

TEST_F(Http, ClientVanishingMidFragmentCanResume) {
  ASSERT_TRUE(start_cli());
  constexpr std::size_t f = 64 * 1024;
  std::string const data = random_bytes(4 * f, 31);
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/f.bin");
    ASSERT_TRUE(
        is_fragment_ack(client.send_fragment("/f.bin", id, 0, f - 1, 4 * f, data.substr(0, f)), f));
    ASSERT_TRUE(client.send(bits_post_head(
        "/f.bin", "Fragment",
        {{"BITS-Session-Id", id}, {"Content-Range", content_range(f, 2 * f - 1, 4 * f)}}, f)));
    ASSERT_TRUE(client.send(std::string_view(data).substr(f, f / 2)));
    std::this_thread::sleep_for(100ms);
  }  // closed with half the body sent: 1.5 f bytes in total
  auto client = connect();
  auto const r = retry_while_busy([&] {
    return client.send_fragment("/f.bin", id, 2 * f, 3 * f - 1, 4 * f, data.substr(2 * f, f));
  });
  ASSERT_TRUE(r.status == 416 || r.status == 200) << r;
  auto const next = received_range(r);
  ASSERT_TRUE(next.has_value()) << r;
  EXPECT_GE(*next, f) << r;
  EXPECT_LE(*next, f + f / 2) << r;
  auto const done = client.send_fragment("/f.bin", id, *next, 4 * f - 1, 4 * f, data.substr(*next));
  EXPECT_TRUE(is_fragment_ack(done, 4 * f));
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
}

}  // namespace
}  // namespace bits::test
