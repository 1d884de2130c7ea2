// What captured traffic of real Windows clients does that a reading of the specification
// does not suggest: status lines, a session packed onto one connection with no Ping,
// sessions spread over many connections, fragment sizes at both ends, query strings,
// absolute-form targets, and error answers that arrive while the client still writes
// a large body.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <chrono>
#include <thread>

namespace bits::test {
namespace {

using WindowsClient = daemon_test;
using namespace std::chrono_literals;

/// A request head as WinHTTP writes it for BITS: Accept, packet headers, User-Agent,
/// Host, Content-Length and Connection: Keep-Alive, never Content-Name.
std::string windows_head(std::string_view target, std::string_view packet_type,
                         header_list const& extra, std::size_t content_length,
                         std::string_view version = "HTTP/1.1") {
  std::string head = "BITS_POST " + std::string(target) + " " + std::string(version) +
                     "\r\nAccept: */*\r\nBITS-Packet-Type: " + std::string(packet_type) + "\r\n";
  for (auto const& [name, value] : extra) head += name + ": " + value + "\r\n";
  head += "User-Agent: Microsoft BITS/7.8\r\nHost: 127.0.0.1\r\nContent-Length: " +
          std::to_string(content_length) + "\r\nConnection: Keep-Alive\r\n\r\n";
  return head;
}

std::string windows_fragment(std::string_view target, std::string_view id, std::uint64_t first,
                             std::string_view bytes, std::uint64_t total) {
  return windows_head(target, "Fragment",
                      {{"BITS-Session-Id", std::string(id)},
                       {"Content-Range", content_range(first, first + bytes.size() - 1, total)}},
                      bytes.size()) +
         std::string(bytes);
}

std::string windows_close(std::string_view target, std::string_view id) {
  return windows_head(target, "Close-Session", {{"BITS-Session-Id", std::string(id)}}, 0);
}

std::string windows_create(std::string_view target) {
  return windows_head(target, "Create-Session",
                      {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, 0);
}

/// Create-Session as a Windows client sends it; the session id, or "" and a failure.
std::string create_windows_session(raw_client& client, std::string_view target) {
  auto const r = client.request(windows_create(target));
  auto const id = r.header_or_empty("BITS-Session-Id");
  if (!is_ack(r, 200) || id.empty()) ADD_FAILURE() << "Create-Session failed:\n" << r;
  return id;
}

TEST_F(WindowsClient, EveryStatusLineIsHttp11) {
  ASSERT_TRUE(start_cli());
  std::string const data = "committed";
  {
    auto client = connect();
    ASSERT_FALSE(upload(client, "/done.bin", data, data.size()).empty());
  }
  struct exchange {
    std::string name;
    std::string bytes;
    int status;
    bool head = false;
  };
  std::string const target_too_long = "/" + std::string(5000, 'a');
  std::vector<exchange> const cases = {
      {"Http10Ping", windows_head("/", "Ping", {}, 0, "HTTP/1.0"), 200},
      {"Http10Create",
       windows_head("/a.bin", "Create-Session",
                    {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, 0, "HTTP/1.0"),
       200},
      {"Http10Get", "GET /done.bin HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", 200},
      {"Http10Head", "HEAD /done.bin HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", 200, true},
      {"Http10Missing", "GET /missing.bin HTTP/1.0\r\n\r\n", 404},
      {"Http10Put", "PUT /done.bin HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 405},
      {"Http10UnknownSession",
       windows_head("/a.bin", "Close-Session",
                    {{"BITS-Session-Id", "{5A1E0C6B-3D2F-4E8A-9B7C-1D2E3F4A5B6C}"}}, 0, "HTTP/1.0"),
       500},
      {"Http10NoContentLength", "BITS_POST / HTTP/1.0\r\nBITS-Packet-Type: Ping\r\n\r\n", 411},
      {"Malformed", "BITS_POST / HTTP/1.0\r\nNo colon here\r\n\r\n", 400},
      {"TooManyFields",
       [] {
         std::string h = "BITS_POST / HTTP/1.0\r\nBITS-Packet-Type: Ping\r\n";
         for (int i = 0; i < 150; ++i) h += "X-F" + std::to_string(i) + ": v\r\n";
         return h + "Content-Length: 0\r\n\r\n";
       }(),
       431},
      {"TargetTooLong", "GET " + target_too_long + " HTTP/1.0\r\n\r\n", 414},
      {"Http20", "BITS_POST / HTTP/2.0\r\nBITS-Packet-Type: Ping\r\nContent-Length: 0\r\n\r\n",
       505},
      {"Http09Version", "GET /done.bin HTTP/0.9\r\n\r\n", 505},
      {"BadAbsoluteForm", "GET ftp://127.0.0.1/done.bin HTTP/1.0\r\n\r\n", 400},
  };
  for (auto const& c : cases) {
    auto client = connect();
    ASSERT_TRUE(client.send(c.bytes)) << c.name;
    auto const r = client.read_response(c.head);
    EXPECT_EQ(r.status, c.status) << c.name << "\n" << r;
    EXPECT_EQ(r.version, "HTTP/1.1") << c.name << "\n" << r;
  }
  // A 1.x minor version above 1 is served as HTTP/1.1.
  auto client = connect();
  auto const r = client.request(windows_head("/", "Ping", {}, 0, "HTTP/1.2"));
  EXPECT_TRUE(is_ack(r, 200));
  EXPECT_EQ(r.version, "HTTP/1.1") << r;
  EXPECT_TRUE(still_serving());
}

TEST_F(WindowsClient, CreateFirstThenWholeFileAndCloseBackToBack) {
  ASSERT_TRUE(start_cli());
  // 4,892 bytes: the whole file in the first fragment, as in the protocol capture; and a
  // file large enough that Close-Session arrives while its fragment is still streaming.
  for (std::size_t const size : {std::size_t{4892}, std::size_t{3} << 20U}) {
    std::string const name = "/whole-" + std::to_string(size) + ".bin";
    std::string const data = random_bytes(size, size);
    auto client = connect();  // no Ping first
    std::string const id = create_windows_session(client, name);
    ASSERT_FALSE(id.empty());
    // Fragment and Close-Session in one write, without waiting for the fragment's Ack.
    ASSERT_TRUE(
        client.send(windows_fragment(name, id, 0, data, data.size()) + windows_close(name, id)));
    auto const fragment = client.read_response();
    EXPECT_TRUE(is_fragment_ack(fragment, data.size())) << name;
    auto const close = client.read_response();
    EXPECT_TRUE(is_ack(close, 200)) << name;
    // The file is complete under its name when the Close Ack is read.
    EXPECT_EQ(sha256_file_hex(root() / name.substr(1)), sha256_hex(data)) << name;
    EXPECT_TRUE(is_ack(client.ping(), 200)) << "the connection stays usable";
  }
  EXPECT_TRUE(spool_session_dirs().empty());
}

TEST_F(WindowsClient, CreateFragmentAndCloseInOneWriteAfterCreateAck) {
  ASSERT_TRUE(start_cli());
  // Harshest form: every packet of the session written back to back on one connection;
  // only the session id is waited for.
  for (int round = 0; round < 20; ++round) {
    std::string const name = "/burst" + std::to_string(round);
    std::string const data = random_bytes(1000 + static_cast<std::size_t>(round) * 977,
                                          static_cast<std::uint64_t>(round));
    auto client = connect();
    std::string const id = create_windows_session(client, name);
    ASSERT_FALSE(id.empty());
    std::string const burst = windows_fragment(name, id, 0, data, data.size()) +
                              windows_close(name, id) + windows_head("/", "Ping", {}, 0);
    ASSERT_TRUE(client.send(burst));
    EXPECT_TRUE(is_fragment_ack(client.read_response(), data.size())) << name;
    EXPECT_TRUE(is_ack(client.read_response(), 200)) << name;
    EXPECT_EQ(read_file(root() / name.substr(1)), data) << name;
    EXPECT_TRUE(is_ack(client.read_response(), 200)) << name;
  }
}

TEST_F(WindowsClient, SessionContinuesOnNewConnections) {
  ASSERT_TRUE(start_cli());
  std::string const name = "/spread.bin";
  std::string const data = random_bytes(40000, 5);
  std::string id;
  {
    auto client = connect();
    id = create_windows_session(client, name);
    ASSERT_FALSE(id.empty());
  }
  // One connection per fragment, as after network changes; a Ping starts each one.
  for (std::size_t first = 0; first < data.size(); first += 10000) {
    auto client = connect();
    ASSERT_TRUE(is_ack(client.ping(), 200));
    auto const r = retry_while_busy([&] {
      return client.request(windows_fragment(
          name, id, first, std::string_view(data).substr(first, 10000), data.size()));
    });
    ASSERT_TRUE(is_fragment_ack(r, first + 10000));
  }
  auto client = connect();
  EXPECT_TRUE(is_ack(client.request(windows_close(name, id)), 200));
  EXPECT_EQ(read_file(root() / name.substr(1)), data);
}

TEST_F(WindowsClient, FragmentCutMidBodyIsResentOnANewConnection) {
  ASSERT_TRUE(start_cli());
  constexpr std::size_t f = 64 * 1024;
  std::string const name = "/cut.bin";
  std::string const data = random_bytes(3 * f, 6);
  std::string id;
  {
    auto client = connect();
    id = create_windows_session(client, name);
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(is_fragment_ack(client.request(windows_fragment(
                                    name, id, 0, std::string_view(data).substr(0, f), data.size())),
                                f));
    std::string const second = windows_fragment(name, id, f, data.substr(f, f), data.size());
    // The head and half of the body, then the connection is gone.
    ASSERT_TRUE(client.send(std::string_view(second).substr(0, second.size() - f / 2)));
  }
  // The client comes back on a new connection and resends the fragment it was sending:
  // the server writes only what it lacks and reports the end of what it holds.
  auto client = connect();
  ASSERT_TRUE(is_ack(client.ping(), 200));
  auto const resent = retry_while_busy([&] {
    return client.request(windows_fragment(name, id, f, data.substr(f, f), data.size()));
  });
  EXPECT_TRUE(is_fragment_ack(resent, 2 * f));

  // Cut again, then a fragment past what the server holds: 416 says where to resume, and
  // the client resends from there.
  {
    auto cut = connect();
    std::string const third = windows_fragment(name, id, 2 * f, data.substr(2 * f), data.size());
    ASSERT_TRUE(cut.send(std::string_view(third).substr(0, third.size() - f + 1000)));
  }
  // The server reads what the cut connection sent on its own time, possibly after the
  // new connection's first request: the probe (which changes nothing) is answered with
  // where the session stands, and that reaches 2f + 1000 once those bytes are in.
  auto next = connect();
  auto const send_probe = [&] {
    return retry_while_busy([&] {
      return next.request(
          windows_fragment(name, id, 3 * f - 10, data.substr(3 * f - 10), data.size()));
    });
  };
  auto probe = send_probe();
  for (int i = 0; i < 100 && probe.status == 416 && received_range(probe) == 2 * f; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    probe = send_probe();
  }
  ASSERT_EQ(probe.status, 416) << probe;
  ASSERT_EQ(received_range(probe), 2 * f + 1000) << probe;
  auto const rest = next.request(
      windows_fragment(name, id, 2 * f + 1000, data.substr(2 * f + 1000), data.size()));
  EXPECT_TRUE(is_fragment_ack(rest, data.size()));
  EXPECT_TRUE(is_ack(connect().request(windows_close(name, id)), 200));
  EXPECT_EQ(sha256_file_hex(root() / name.substr(1)), sha256_hex(data));
}

TEST_F(WindowsClient, FragmentsFromOneByteToSixteenMiBUnderTheDefaults) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  {
    // One byte at a time.
    std::string const data = "BITS";
    std::string const id = create_windows_session(client, "/bytes.bin");
    for (std::size_t i = 0; i < data.size(); ++i) {
      ASSERT_TRUE(is_fragment_ack(
          client.request(windows_fragment("/bytes.bin", id, i, data.substr(i, 1), data.size())),
          i + 1));
    }
    EXPECT_EQ(read_file(root() / "bytes.bin"), data);
  }
  // 16 MiB, the default max_fragment_size, in one fragment; then sizes in between.
  constexpr std::size_t mib = 1U << 20U;
  std::vector<std::size_t> const sizes = {16 * mib, 1, 13 * mib, 5120, 65536, 2};
  std::size_t total = 0;
  for (auto s : sizes) total += s;
  std::string const data = random_bytes(total, 16);
  std::string const id = create_windows_session(client, "/sizes.bin");
  // One byte over the limit is refused with 413 (no error code: the client shrinks).
  auto const over =
      client.request(windows_fragment("/sizes.bin", id, 0, data.substr(0, 16 * mib + 1), total));
  EXPECT_EQ(over.status, 413) << over;
  EXPECT_FALSE(over.has("BITS-Error-Code")) << over;
  client = connect();
  std::size_t first = 0;
  for (auto s : sizes) {
    auto const r =
        client.request(windows_fragment("/sizes.bin", id, first, data.substr(first, s), total));
    ASSERT_TRUE(is_fragment_ack(r, first + s)) << "fragment of " << s << " bytes";
    first += s;
  }
  EXPECT_EQ(sha256_file_hex(root() / "sizes.bin"), sha256_hex(data));
}

TEST_F(WindowsClient, QueryStringsAndNamesWithoutExtension) {
  ASSERT_TRUE(start_cli());
  std::string const data = random_bytes(30000, 8);
  for (std::string const target :
       {"/noext", "/report?job=42&client=PC%2007", "/inbox/data?x=1", "/plain.bin?"}) {
    std::string const name = target.substr(1, target.find('?') - 1);
    if (name.find('/') != std::string::npos) {
      std::filesystem::create_directories(root() / name.substr(0, name.find('/')));
    }
    auto client = connect();
    std::string const id = create_windows_session(client, target);
    ASSERT_FALSE(id.empty()) << target;
    for (std::size_t first = 0; first < data.size(); first += 10000) {
      ASSERT_TRUE(is_fragment_ack(client.request(windows_fragment(
                                      target, id, first, data.substr(first, 10000), data.size())),
                                  first + 10000))
          << target;
    }
    EXPECT_TRUE(is_ack(client.request(windows_close(target, id)), 200)) << target;
    EXPECT_EQ(read_file(root() / name), data) << target;
    auto const got = client.request("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(got.status, 200) << target << "\n" << got;
    EXPECT_TRUE(got.body == data) << target;
  }
}

TEST_F(WindowsClient, AbsoluteFormTargetsForEveryMethod) {
  ASSERT_TRUE(start_cli());
  std::string const base = "http://127.0.0.1:" + std::to_string(server().port());
  std::string const target = base + "/abs.bin?via=proxy";
  std::string const data = random_bytes(20000, 9);
  auto client = connect();
  // Host names another server: the target's authority wins (RFC 9112 3.2.2).
  auto absolute = [](std::string bytes) {
    return bytes.replace(bytes.find("Host: 127.0.0.1"), 15, "Host: elsewhere.example");
  };
  ASSERT_TRUE(is_ack(client.request(absolute(windows_head(base + "/", "Ping", {}, 0))), 200));
  auto const created = client.request(absolute(windows_create(target)));
  ASSERT_TRUE(is_ack(created, 200));
  std::string const id = created.header_or_empty("BITS-Session-Id");
  // Origin and absolute forms name the same session.
  ASSERT_TRUE(is_fragment_ack(
      client.request(windows_fragment("/abs.bin", id, 0, data.substr(0, 10000), data.size())),
      10000));
  ASSERT_TRUE(is_fragment_ack(client.request(absolute(windows_fragment(
                                  target, id, 10000, data.substr(10000), data.size()))),
                              data.size()));
  EXPECT_TRUE(is_ack(client.request(absolute(windows_close(target, id))), 200));
  EXPECT_EQ(read_file(root() / "abs.bin"), data);

  for (std::string const scheme : {"http://", "HTTPS://"}) {
    std::string const url = scheme + "127.0.0.1:" + std::to_string(server().port()) + "/abs.bin";
    auto const got = client.request("GET " + url + " HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n");
    EXPECT_EQ(got.status, 200) << url << "\n" << got;
    EXPECT_TRUE(got.body == data) << url;
    ASSERT_TRUE(client.send("HEAD " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto const head = client.read_response(true);
    EXPECT_EQ(head.status, 200) << url << "\n" << head;
    EXPECT_EQ(head.header_or_empty("Content-Length"), std::to_string(data.size())) << head;
  }
  auto const options = client.request("OPTIONS " + base + "/abs.bin HTTP/1.1\r\n\r\n");
  EXPECT_EQ(options.status, 200) << options;
  // Outside the upload root or malformed, exactly as the origin form would be.
  EXPECT_EQ(client.request("GET " + base + "/missing.bin HTTP/1.1\r\n\r\n").status, 404);
  for (std::string const bad :
       {"ftp://127.0.0.1/abs.bin", "http://user@127.0.0.1/abs.bin", "http:///abs.bin"}) {
    auto refused = connect();
    auto const r = refused.request(windows_head(bad, "Ping", {}, 0));
    EXPECT_EQ(r.status, 400) << bad << "\n" << r;
  }
  EXPECT_TRUE(still_serving());
}

/// Sends `head` and all of `body` without reading, then reads the answer: what a client
/// that writes its whole request before it looks at the response sees.
http_response write_all_then_read(raw_client& client, std::string const& head,
                                  std::string const& body) {
  if (!client.send(head) || !client.send(body)) {
    http_response failed;
    failed.outcome = read_outcome::reset;
    ADD_FAILURE() << "writing the request failed: " << client.last_error();
    return failed;
  }
  return client.read_response();
}

TEST_F(WindowsClient, ErrorBeforeALargeBodyReachesAClientStillWriting) {
  auto options = up_options();
  options.vdirs[0].set("max_fragment_size", 1U << 20U);
  ASSERT_TRUE(start_config(options));
  for (std::size_t const size : {std::size_t{4} << 20U, std::size_t{64} << 20U}) {
    std::string const body(size, 'x');
    {
      // 413 for a fragment over max_fragment_size: the client must see it to shrink.
      auto client = connect();
      std::string const id = create_windows_session(client, "/up/big.bin");
      auto const r = write_all_then_read(
          client,
          windows_head(
              "/up/big.bin", "Fragment",
              {{"BITS-Session-Id", id}, {"Content-Range", content_range(0, size - 1, size)}}, size),
          body);
      EXPECT_EQ(r.status, 413) << size << " bytes: " << to_string(r.outcome) << "\n" << r;
      EXPECT_TRUE(iequals(r.header_or_empty("BITS-Packet-Type"), "Ack")) << r;
      EXPECT_EQ(received_range(r), 0U) << r;
      EXPECT_TRUE(client.wait_for_close(5s)) << "the connection should close after the 413";
    }
    {
      // 400 for a body on a Ping.
      auto client = connect();
      auto const r = write_all_then_read(client, windows_head("/up/", "Ping", {}, size), body);
      EXPECT_TRUE(is_error_ack(r, 400, e_invalidarg)) << size << " bytes";
    }
    {
      // 400 for a malformed head followed by a body.
      auto client = connect();
      auto const r = write_all_then_read(
          client,
          "BITS_POST /up/ HTTP/1.1\r\nBad header\r\nContent-Length: " + std::to_string(size) +
              "\r\n\r\n",
          body);
      EXPECT_EQ(r.status, 400) << size << " bytes: " << to_string(r.outcome) << "\n" << r;
    }
  }
  EXPECT_TRUE(still_serving());
}

// The lingering close after an early error is bounded: 128 MiB read and discarded, 5 s in
// all, 2 s without a byte. A client that keeps sending is cut off, never served forever.
TEST_F(WindowsClient, LingeringCloseEndsAtItsBounds) {
  auto options = up_options();
  options.vdirs[0].set("max_fragment_size", 1U << 20U);
  ASSERT_TRUE(start_config(options));
  std::uint64_t const declared = std::uint64_t{1} << 30U;
  std::string const chunk(1U << 20U, 'x');
  auto oversized_fragment = [&](raw_client& client) {
    std::string const id = create_windows_session(client, "/up/endless.bin");
    return windows_head(
        "/up/endless.bin", "Fragment",
        {{"BITS-Session-Id", id}, {"Content-Range", content_range(0, declared - 1, declared)}},
        declared);
  };
  {
    // As fast as loopback goes: cut off after about 128 MiB, far short of the 1 GiB declared.
    auto client = connect();
    ASSERT_TRUE(client.send(oversized_fragment(client)));
    std::uint64_t sent = 0;
    while (sent < (std::uint64_t{512} << 20U) && client.send(chunk)) sent += chunk.size();
    EXPECT_LT(sent, std::uint64_t{200} << 20U) << "the server read on past its 128 MiB";
    EXPECT_TRUE(client.wait_for_close(5s));
  }
  {
    // 80 KiB a second, never idle for 2 s: cut off by the 5 s bound, long before 20 s.
    auto client = connect();
    ASSERT_TRUE(client.send(oversized_fragment(client)));
    auto const start = std::chrono::steady_clock::now();
    bool cut_off = false;
    while (std::chrono::steady_clock::now() - start < 20s) {
      if (!client.send(std::string_view(chunk).substr(0, 16U << 10U))) {
        cut_off = true;
        break;
      }
      std::this_thread::sleep_for(200ms);
    }
    EXPECT_TRUE(cut_off) << "the server kept reading a trickling body for 20 s";
  }
  {
    // Silent after the head: closed once 2 s pass without a byte.
    auto client = connect();
    ASSERT_TRUE(client.send(oversized_fragment(client)));
    EXPECT_TRUE(client.wait_for_close(10s));
    EXPECT_EQ(client.read_response().status, 413);
  }
  EXPECT_TRUE(still_serving());
}

TEST_F(WindowsClient, SmallUnreadBodyIsDrainedAndTheConnectionKept) {
  auto options = up_options();
  options.vdirs[0].set("max_fragment_size", 5120);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  std::string const id = create_windows_session(client, "/up/s.bin");
  std::string const data = random_bytes(6000, 11);
  auto const r = client.request(windows_fragment("/up/s.bin", id, 0, data, data.size()));
  EXPECT_EQ(r.status, 413) << r;
  EXPECT_FALSE(iequals(r.header_or_empty("Connection"), "close")) << r;
  // The same connection goes on with smaller fragments.
  ASSERT_TRUE(is_fragment_ack(
      client.request(windows_fragment("/up/s.bin", id, 0, data.substr(0, 5000), data.size())),
      5000));
  ASSERT_TRUE(is_fragment_ack(
      client.request(windows_fragment("/up/s.bin", id, 5000, data.substr(5000), data.size())),
      data.size()));
  EXPECT_EQ(read_file(root() / "s.bin"), data);
}

}  // namespace
}  // namespace bits::test
