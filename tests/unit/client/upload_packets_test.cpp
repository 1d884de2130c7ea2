// The packets as requests and the Create-Session Ack rules (reference 3, 13).
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
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id", "a b"}}), ack);
  ASSERT_TRUE(f);
  f = parse_create_ack(create_ack_with({{"BITS-Session-Id", "{a}"}, {"BITS-Protocol", "{x}"}}),
                       ack);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->ec, make_error_code(errc::protocol_mismatch));
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
