// Malformed requests: each gets a 4xx answer or a clean close (never a hang), and a
// Ping on a new connection is answered afterwards.
#include "integration/fixture.hpp"

namespace bits::test {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

enum class expect {
  rejected,       ///< a 4xx response, or the connection closed
  too_large,      ///< a 431 or 400 response
  bad_request,    ///< a 400 response
  ok_then_close,  ///< a 200 response, then the connection closed
};

struct malformed_case {
  std::string name;
  std::string bytes;
  expect outcome;
};

void PrintTo(malformed_case const& c, std::ostream* os) {
  *os << c.name;
}

std::string ping_with(std::string_view extra_lines) {
  return "BITS_POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nBITS-Packet-Type: Ping\r\n" +
         std::string(extra_lines) + "\r\n";
}

std::string many_headers(int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) lines += "X-Filler-" + std::to_string(i) + ": v\r\n";
  return lines;
}

class HttpMalformed : public daemon_test, public ::testing::WithParamInterface<malformed_case> {};

TEST_P(HttpMalformed, IsRejectedAndServerKeepsServing) {
  ASSERT_TRUE(start_cli());
  auto const& c = GetParam();
  auto client = connect();
  client.set_timeout(5s);
  ASSERT_TRUE(client.send(c.bytes) || c.outcome == expect::rejected) << client.last_error();
  auto const r = client.read_response();
  switch (c.outcome) {
    case expect::rejected:
      EXPECT_NE(r.outcome, read_outcome::timeout) << "no answer and no close within 5 s";
      if (r.ok()) {
        EXPECT_TRUE(r.status >= 400 && r.status < 500) << r;
      }
      break;
    case expect::too_large:
      EXPECT_TRUE(r.status == 431 || r.status == 400) << r;
      break;
    case expect::bad_request:
      EXPECT_EQ(r.status, 400) << r;
      break;
    case expect::ok_then_close:
      EXPECT_TRUE(is_ack(r, 200));
      EXPECT_TRUE(client.wait_for_close(5s)) << "HTTP/1.0 connection left open";
      break;
  }
  EXPECT_TRUE(still_serving());
}

INSTANTIATE_TEST_SUITE_P(
    Requests, HttpMalformed,
    ::testing::Values(
        malformed_case{"Garbage",
                       std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) +
                           " garbage \xff\xfe\r\n\r\n",
                       expect::rejected},
        malformed_case{"NulInRequestLine",
                       "BITS_POST /a\0b HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "BITS-Packet-Type: Ping\r\nContent-Length: 0\r\n\r\n"s,
                       expect::rejected},
        malformed_case{"HeaderWithoutColon", ping_with("Content-Length: 0\r\nX-No-Colon here\r\n"),
                       expect::rejected},
        malformed_case{"OversizedHeader",
                       ping_with("Content-Length: 0\r\nX-Big: " + std::string(20000, 'a') + "\r\n"),
                       expect::too_large},
        malformed_case{"TooManyHeaders", ping_with("Content-Length: 0\r\n" + many_headers(150)),
                       expect::too_large},
        malformed_case{
            "ContentLengthAndChunked",
            ping_with("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
            expect::rejected},
        malformed_case{"TwoContentLengths",
                       ping_with("Content-Length: 0\r\nContent-Length: 5\r\n") + "hello",
                       expect::rejected},
        malformed_case{"NegativeContentLength", ping_with("Content-Length: -1\r\n"),
                       expect::rejected},
        malformed_case{"ObsFold", ping_with("Content-Length: 0\r\nX-Folded: a\r\n  b\r\n"),
                       expect::rejected},
        malformed_case{"LongHeaderValue",
                       ping_with("Content-Length: 0\r\nX-Long: " + std::string(5000, 'a') + "\r\n"),
                       expect::bad_request},
        malformed_case{"Http10Ping",
                       "BITS_POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nBITS-Packet-Type: Ping\r\n"
                       "Content-Length: 0\r\n\r\n",
                       expect::ok_then_close},
        malformed_case{"NoVersion",
                       "BITS_POST /\r\nHost: 127.0.0.1\r\nBITS-Packet-Type: Ping\r\n"
                       "Content-Length: 0\r\n\r\n",
                       expect::rejected}),
    [](auto const& p) { return p.param.name; });

}  // namespace
}  // namespace bits::test
