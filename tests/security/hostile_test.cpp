// Hostile requests: each must be refused (a 4xx or a closed connection), after which
// the daemon still serves new connections and an unrelated session started before
// completes with exact bytes.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

#include <unistd.h>
#include <string>

namespace bits::test {
namespace {

/// One hostile request. "{ID}" in `bytes` is replaced by a session id created on the
/// hostile connection first; with `with_fragment` that session already received
/// bytes 0-9 of a 100-byte file.
struct hostile_case {
  std::string name;
  std::string bytes;
  bool with_fragment = false;
  bool first_is_valid = false;  ///< a valid request comes first; its answer is 200
};

std::string fragment_with_range(std::string const& range) {
  return bits_post_head("/up/h.bin", "Fragment",
                        {{"BITS-Session-Id", "{ID}"}, {"Content-Range", range}}, 10) +
         "0123456789";
}

std::string ping_with(header_list const& extra, long long length = 0) {
  return bits_post_head("/up/", "Ping", extra, length);
}

std::string raw_ping(std::string const& fields) {
  return "BITS_POST /up/ HTTP/1.1\r\nHost: 127.0.0.1\r\nBITS-Packet-Type: Ping\r\n" + fields +
         "\r\n";
}

std::string close_with_id(std::string const& id) {
  return bits_post_head("/up/h.bin", "Close-Session", {{"BITS-Session-Id", id}}, 0);
}

std::vector<hostile_case> hostile_cases() {
  return {
      {"cl_and_chunked",
       raw_ping("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n"},
      {"two_content_lengths", raw_ping("Content-Length: 0\r\nContent-Length: 5\r\n") + "hello"},
      {"negative_content_length", raw_ping("Content-Length: -5\r\n")},
      {"obs_fold", raw_ping("Content-Length: 0\r\nX-Folded: a\r\n  continued\r\n")},
      {"binary_header",
       raw_ping(std::string("Content-Length: 0\r\nX-Bin: \x01\x02\x7f\xff\x00z\r\n", 34))},
      {"range_negative", fragment_with_range("bytes -10-0/100")},
      // Offsets past 2^63 do not fit off_t: the server must refuse before any write.
      {"range_above_2_63",
       fragment_with_range("bytes 9223372036854775808-9223372036854775817/9223372036854775818")},
      {"range_first_after_last", fragment_with_range("bytes 9-0/100")},
      {"range_total_mismatch", fragment_with_range("bytes 10-19/200"), true},
      {"range_20_digit_overflow", fragment_with_range("bytes 0-99999999999999999999/100")},
      {"id_too_short", close_with_id("{1234}")},
      {"id_no_braces", close_with_id("7DF0354D-249B-430F-820D-3D2A9BEF4931")},
      {"id_non_hex", close_with_id("{ZZZZZZZZ-249B-430F-820D-3D2A9BEF4931}")},
      {"id_100_chars", close_with_id("{" + std::string(98, 'A') + "}")},
      {"id_empty", close_with_id("")},
      {"pipelined_junk", ping_with({}) + "\x01\x02 JUNK \xff\r\n\r\n", false, true},
  };
}

class hostile_test : public security_test, public ::testing::WithParamInterface<hostile_case> {};

TEST_P(hostile_test, is_refused_and_harms_nothing) {
  ASSERT_TRUE(start(config()));
  std::string const data = random_bytes(12000, 3);
  auto bystander = connect();
  std::string const id = bystander.create_session("/up/bystander.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(is_fragment_ack(bystander.send_fragment("/up/bystander.bin", id, 0, 3999, data.size(),
                                                      std::string_view(data).substr(0, 4000)),
                              4000));

  hostile_case const& c = GetParam();
  auto hostile = connect();
  std::string bytes = c.bytes;
  if (auto const at = bytes.find("{ID}"); at != std::string::npos) {
    std::string const own = hostile.create_session("/up/h.bin");
    ASSERT_FALSE(own.empty());
    if (c.with_fragment) {
      ASSERT_TRUE(
          is_fragment_ack(hostile.send_fragment("/up/h.bin", own, 0, 9, 100, "0123456789"), 10));
    }
    bytes.replace(at, 4, own);
  }
  ASSERT_TRUE(hostile.send(bytes));
  auto r = hostile.read_response();
  if (c.first_is_valid) {
    EXPECT_EQ(r.status, 200) << r;
    r = hostile.read_response();
  }
  // A size no file can have is refused as BG_E_TOO_LARGE (500 by the protocol's table).
  bool const too_large = r.ok() && r.status == 500 &&
                         r.header("BITS-Error-Code") == std::optional<std::string>("0x80200020");
  bool const refused = !r.ok() || (r.status >= 400 && r.status < 500) || too_large;
  EXPECT_TRUE(refused) << "hostile request " << c.name << " was not refused: " << r;

  EXPECT_TRUE(still_serving());
  EXPECT_TRUE(finish_upload(bystander, id, "bystander.bin", data, 4000));
}

INSTANTIATE_TEST_SUITE_P(requests, hostile_test, ::testing::ValuesIn(hostile_cases()),
                         [](auto const& test_info) { return test_info.param.name; });

using symlink_test = security_test;

TEST_F(symlink_test, folder_swapped_for_symlink_before_last_fragment_is_refused) {
  ASSERT_TRUE(start(config()));
  std::filesystem::create_directory(root() / "sub");
  std::filesystem::create_directory(tmp() / "outside");
  std::string const data = random_bytes(8000, 5);
  auto bystander = connect();
  std::string const other = bystander.create_session("/up/bystander.bin");
  ASSERT_FALSE(other.empty());

  auto client = connect();
  std::string const id = client.create_session("/up/sub/f.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/up/sub/f.bin", id, 0, 3999, data.size(),
                                                   std::string_view(data).substr(0, 4000)),
                              4000));
  std::filesystem::remove(root() / "sub");
  std::filesystem::create_directory_symlink(tmp() / "outside", root() / "sub");

  auto const last = client.send_fragment("/up/sub/f.bin", id, 4000, 7999, data.size(),
                                         std::string_view(data).substr(4000));
  EXPECT_EQ(last.status, 403) << last;
  EXPECT_TRUE(std::filesystem::is_empty(tmp() / "outside"))
      << "a file was written outside the root";

  EXPECT_TRUE(still_serving());
  EXPECT_TRUE(finish_upload(bystander, other, "bystander.bin", data, 0));
}

}  // namespace
}  // namespace bits::test
