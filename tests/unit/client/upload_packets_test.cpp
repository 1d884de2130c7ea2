// The packets as requests, and what an Ack must (and need not) be (reference 3, 4.1, 13).
#include "client/upload_packets.hpp"

#include <gtest/gtest.h>

namespace bits::client {
namespace {

class string_reader final : public net::body_reader {
 public:
  result<std::size_t> read_at(std::uint64_t, std::span<char>) override { return std::size_t{0}; }
};

TEST(UploadPackets, BodilessPacketsCarryTypeAndSession) {
  auto const r = make_packet(core::packet_type::close_session, "http://h/a", "{S}", "a.bin");
  EXPECT_EQ(r.method, "BITS_POST");
  EXPECT_EQ(net::find_header(r.headers, "BITS-Packet-Type"), "Close-Session");
  EXPECT_EQ(net::find_header(r.headers, "BITS-Session-Id"), "{S}");
  EXPECT_EQ(net::find_header(r.headers, "Content-Name"), "a.bin");
  EXPECT_EQ(r.body_length, 0u);
  auto const ping = make_packet(core::packet_type::ping, "http://h/a", "");
  EXPECT_FALSE(net::find_header(ping.headers, "BITS-Session-Id"));
}

TEST(UploadPackets, FragmentRangeAndLength) {
  string_reader file;
  auto const r = make_fragment("http://h/a", "{S}", {65536, 34464, 100000}, file, "a.bin");
  EXPECT_EQ(net::find_header(r.headers, "Content-Range"), "bytes 65536-99999/100000");
  EXPECT_EQ(r.body_offset, 65536u);
  EXPECT_EQ(r.body_length, 34464u);
  EXPECT_FALSE(net::find_header(r.headers, "Content-Encoding"));
  auto const empty = make_fragment("http://h/a", "{S}", {0, 0, 0}, file, "e");
  EXPECT_EQ(net::find_header(empty.headers, "Content-Range"), "bytes */0");
}

net::response create_ack_with(net::header_list h) {
  net::response r;
  r.status = 200;
  r.headers = std::move(h);
  return r;
}

TEST(UploadPackets, CreateAckAcceptsAnyHttpLegalSessionIdVerbatim) {
  create_ack ack;
  EXPECT_FALSE(parse_create_ack(create_ack_with({{"BITS-Session-Id", "1234567890123"}}), ack));
  EXPECT_EQ(ack.session_id, "1234567890123");
  // A field value may hold spaces and tabs inside, and every visible ASCII character.
  std::string const odd = "a b\tc!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  EXPECT_FALSE(parse_create_ack(create_ack_with({{"BITS-Session-Id", odd}}), ack));
  EXPECT_EQ(ack.session_id, odd);
  std::string const longest(100, 'z');
  EXPECT_FALSE(parse_create_ack(create_ack_with({{"BITS-Session-Id", longest}}), ack));
  EXPECT_EQ(ack.session_id, longest);
  EXPECT_FALSE(
      parse_create_ack(create_ack_with({{"BITS-Session-Id", "{a}"},
                                        {"BITS-Protocol", "{7DF0354D-249B-430F-820D-3D2A9BEF4931}"},
                                        {"BITS-Host-Id", "node2"},
                                        {"BITS-Host-Id-Fallback-Timeout", "60"}}),
                       ack));
  EXPECT_EQ(ack.host_id, "node2");
  EXPECT_EQ(ack.fallback_s, 60u);
}

TEST(UploadPackets, CreateAckRejections) {
  create_ack ack;
  auto f = parse_create_ack(create_ack_with({}), ack);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ec, make_error_code(errc::invalid_server_response));
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id", std::string(101, 'a')}}), ack);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->detail, "BITS-Session-Id longer than 100 characters");
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id",
                                         "a\x01"
                                         "b"}}),
                       ack);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->detail, "BITS-Session-Id with a control or non-ASCII byte");
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id", "caf\xc3\xa9"}}), ack);
  ASSERT_TRUE(f);
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id", ""}}), ack);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->detail, "no BITS-Session-Id in the Ack");
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id", "{a}"}, {"BITS-Protocol", "{x}"}}),
                       ack);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ec, make_error_code(errc::protocol_mismatch));
}

net::response answer(unsigned status, unsigned version, net::header_list h) {
  net::response r;
  r.status = status;
  r.http_version = version;
  r.headers = std::move(h);
  return r;
}

TEST(UploadPackets, AnyHttp10AnswerIsInsufficientHttpSupport) {
  for (unsigned const status : {200u, 404u, 501u}) {
    auto const f = check_ack(answer(status, 10, {{"BITS-Packet-Type", "Ack"}}), "Ping");
    ASSERT_TRUE(f) << status;
    EXPECT_EQ(f->ec, make_error_code(errc::insufficient_http_support));
    EXPECT_FALSE(f->transient);
    EXPECT_EQ(exit_code_of(*f), exit_code::protocol);
    EXPECT_EQ(describe(*f),
              "BG_E_INSUFFICIENT_HTTP_SUPPORT (0x80200012): the server lacks "
              "HTTP/1.1, which BITS uploads require, HTTP " +
                  std::to_string(status) + ", Ping; the answer was HTTP/1.0");
  }
  EXPECT_FALSE(check_ack(answer(200, 11, {{"BITS-Packet-Type", "Ack"}}), "Ping"));
  EXPECT_FALSE(check_ack(answer(200, 0, {{"BITS-Packet-Type", "Ack"}}), "Ping")) << "unknown";
}

TEST(UploadPackets, SuccessWithoutAckPacketTypeIsAnInvalidResponse) {
  auto f = check_ack(answer(200, 11, {{"Content-Type", "text/html"}}), "Create-Session");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ec, make_error_code(errc::invalid_server_response));
  EXPECT_FALSE(f->transient);
  EXPECT_EQ(exit_code_of(*f), exit_code::protocol);
  EXPECT_EQ(describe(*f),
            "BG_E_INVALID_SERVER_RESPONSE (0x8020001B): invalid server response, HTTP 200, "
            "Create-Session; a success status without BITS-Packet-Type: Ack (not a BITS upload "
            "URL?)");
  f = check_ack(answer(201, 11, {{"BITS-Packet-Type", "Ping"}}), "Create-Session");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->detail, "BITS-Packet-Type: Ping instead of Ack");
  EXPECT_FALSE(check_ack(answer(200, 11, {{"bits-packet-type", "ack"}}), "x")) << "any case";
  // Error answers are judged by their status and error headers, Ack or not (IIS 7's 404).
  EXPECT_FALSE(check_ack(answer(404, 11, {}), "x"));
}

TEST(UploadPackets, ErrorHeadersOnASuccessAreIgnored) {
  auto const ok = answer(200, 11,
                         {{"BITS-Packet-Type", "Ack"},
                          {"BITS-Error-Code", "0x8020001F"},
                          {"BITS-Error-Context", "0x5"}});
  EXPECT_FALSE(check_ack(ok, "Fragment"));
  EXPECT_FALSE(is_session_not_found(ok));
  auto const error = answer(500, 11, ok.headers);
  EXPECT_TRUE(is_session_not_found(error));
}

TEST(UploadPackets, ReceivedOffsetIsValidatedAgainstTheTotal) {
  net::response r;
  r.headers = {{"BITS-Received-Content-Range", "100"}};
  EXPECT_EQ(received_offset(r, 100), 100u);
  EXPECT_FALSE(received_offset(r, 99));
  r.headers = {{"BITS-Received-Content-Range", "-1"}};
  EXPECT_FALSE(received_offset(r, 100));
  r.headers = {{"BITS-Received-Content-Range", "0-99"}};
  EXPECT_FALSE(received_offset(r, 100));
  r.headers = {};
  EXPECT_FALSE(received_offset(r, 100));
}

}  // namespace
}  // namespace bits::client
