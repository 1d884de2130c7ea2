// The libcurl path against a scripted HTTP peer on 127.0.0.1: the status line's HTTP
// version reaches the jobs (an HTTP/1.0 server is refused at once), and --auth any
// answers the server's challenge while --auth basic sends credentials up front.
#include "client/ping.hpp"
#include "client/transport.hpp"
#include "client/upload_job.hpp"
#include "net/http_session.hpp"

#include "client/failure.hpp"
#include "unit/client/job_fixture.hpp"
#include "unit/client/scripted_http_server.hpp"

namespace bits::client::test {
namespace {

std::string const http11_ack =
    "HTTP/1.1 200 OK\r\nBITS-Packet-Type: Ack\r\nContent-Length: 0\r\n\r\n";
std::string const http10_ack =
    "HTTP/1.0 200 OK\r\nBITS-Packet-Type: Ack\r\nContent-Length: 0\r\n\r\n";
// What Python's http.server (HTTP/1.0 by default) answers to a method it does not know.
std::string const python_501 =
    "HTTP/1.0 501 Unsupported method ('BITS_POST')\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\n"
    "Content-Type: text/html;charset=utf-8\r\nContent-Length: 0\r\n\r\n";
std::string const basic_challenge =
    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"up\"\r\n"
    "Content-Length: 0\r\n\r\n";

class bytes_reader final : public net::body_reader {
 public:
  explicit bytes_reader(std::string data) : data_(std::move(data)) {}
  result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override {
    if (offset >= data_.size()) return std::size_t{0};
    std::size_t const n = std::min<std::size_t>(out.size(), data_.size() - offset);
    std::copy_n(data_.data() + offset, n, out.data());
    return n;
  }

 private:
  std::string data_;
};

std::unique_ptr<net::http_session> session(net::http_options const& o = {}) {
  auto s = net::http_session::create(o);
  EXPECT_TRUE(s) << s.error().message();
  return s ? std::move(*s) : nullptr;
}

net::request bits_post(std::string url, net::body_reader* body = nullptr,
                       std::uint64_t length = 0) {
  net::request r;
  r.method = "BITS_POST";
  r.url = std::move(url);
  r.headers = {{"BITS-Packet-Type", "Ping"}};
  r.body = body;
  r.body_length = length;
  return r;
}

TEST(HttpSession, ReportsTheVersionOfTheStatusLine) {
  scripted_http_server peer({http10_ack, http11_ack});
  auto s = session();
  ASSERT_TRUE(s);
  auto const first = s->perform(bits_post(peer.url("/up/a")));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->status, 200u);
  EXPECT_EQ(first->http_version, 10u);
  auto const second = s->perform(bits_post(peer.url("/up/a")));
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->http_version, 11u);
}

TEST(HttpSession, AuthAnyWaitsForTheChallengeAndResendsTheBody) {
  scripted_http_server peer({basic_challenge, http11_ack});
  net::http_options o;
  o.credentials = "alice:secret";
  o.auth = net::auth_mode::any;
  auto s = session(o);
  ASSERT_TRUE(s);
  bytes_reader body("0123456789");
  auto const r = s->perform(bits_post(peer.url("/up/a"), &body, 10));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  auto const seen = peer.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].has_header("Authorization")) << "nothing before the challenge";
  EXPECT_EQ(seen[1].header("Authorization"), "Basic YWxpY2U6c2VjcmV0");
  EXPECT_EQ(seen[1].body_length, 10u) << "the body is sent again in full";
}

TEST(HttpSession, AuthBasicSendsCredentialsUpFront) {
  scripted_http_server peer({http11_ack});
  net::http_options o;
  o.credentials = "alice:secret";
  auto s = session(o);
  ASSERT_TRUE(s);
  auto const r = s->perform(bits_post(peer.url("/up/a")));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(peer.requests().size(), 1u);
  EXPECT_EQ(peer.requests()[0].header("Authorization"), "Basic YWxpY2U6c2VjcmV0");
}

TEST(HttpSession, AuthAnyWithoutCredentialsNeverSendsBasic) {
  // Only Negotiate works without a password; a Basic challenge stays unanswered.
  scripted_http_server peer({basic_challenge, http11_ack});
  net::http_options o;
  o.auth = net::auth_mode::any;
  auto s = session(o);
  ASSERT_TRUE(s);
  auto const r = s->perform(bits_post(peer.url("/up/a")));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 401u);
  ASSERT_EQ(peer.requests().size(), 1u);
  EXPECT_FALSE(peer.requests()[0].has_header("Authorization"));
}

class CurlJobs : public job_test {
 protected:
  std::unique_ptr<transport> curl() {
    auto t = make_curl_transport({});
    EXPECT_TRUE(t) << t.error().message();
    return t ? std::move(*t) : nullptr;
  }
};

TEST_F(CurlJobs, UploadToAnHttp10ServerFailsAfterOneExchange) {
  scripted_http_server peer({http10_ack, http10_ack, http10_ack, http10_ack});
  auto t = curl();
  ASSERT_TRUE(t);
  auto o = upload(make_file("hello"));
  o.url = peer.url("/up/a.bin");
  auto const r = run_upload(*t, o, hooks);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error),
            "BG_E_INSUFFICIENT_HTTP_SUPPORT (0x80200012): the server lacks HTTP/1.1, which BITS "
            "uploads require, HTTP 200, Ping; the answer was HTTP/1.0");
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
  EXPECT_EQ(peer.requests().size(), 1u);
  EXPECT_TRUE(clk.sleeps.empty());
}

TEST_F(CurlJobs, PingOfPythonsHttpServerNamesTheMissingHttp11) {
  scripted_http_server peer({python_501});
  auto t = curl();
  ASSERT_TRUE(t);
  auto const r = run_ping(*t, peer.url("/up/"), hooks);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.status, 501u);
  EXPECT_EQ(describe(*r.error),
            "BG_E_INSUFFICIENT_HTTP_SUPPORT (0x80200012): the server lacks HTTP/1.1, which BITS "
            "uploads require, HTTP 501, Ping; the answer was HTTP/1.0");
}

}  // namespace
}  // namespace bits::client::test
