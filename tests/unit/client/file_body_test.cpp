// net::file_body and net::file_sink through a real http_session against a scripted
// peer on 127.0.0.1: a file streamed as the request body, a 200 body stored in a file
// (and an error page not), and the per-request timeout.
#include "net/file_body.hpp"  // first: proves the header is self-contained

#include "net/curl_error.hpp"
#include "net/http_session.hpp"
#include "support/digest.hpp"
#include "support/temp_dir.hpp"
#include "unit/client/scripted_http_server.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace bits::client::test {
namespace {

using namespace std::chrono_literals;

std::string const reply_200 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nreply";
std::string const error_500 = "HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\npage";

net::request post(std::string url) {
  net::request r;
  r.method = "POST";
  r.url = std::move(url);
  return r;
}

TEST(FileBody, StreamsTheFileAndStoresAnAcceptedReply) {
  bits::test::temp_dir dir;
  ASSERT_TRUE(bits::test::write_file(dir / "up.bin", "0123456789"));
  auto body = net::file_body::open(dir / "up.bin");
  ASSERT_TRUE(body) << body.error().message();
  EXPECT_EQ(body->size(), 10u);
  net::file_sink sink(dir / "reply.bin");
  scripted_http_server peer({reply_200});
  auto s = net::http_session::create({});
  ASSERT_TRUE(s);
  auto req = post(peer.url("/app"));
  req.body = &*body;
  req.body_length = body->size();
  req.sink = &sink;
  auto const r = (*s)->perform(req);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(sink.close());
  EXPECT_EQ(peer.requests().at(0).body_length, 10u);
  EXPECT_EQ(sink.bytes_written(), 5u);
  EXPECT_EQ(bits::test::read_file(dir / "reply.bin"), "reply");
}

TEST(FileBody, AnErrorPageIsNotStored) {
  bits::test::temp_dir dir;
  net::file_sink sink(dir / "reply.bin");
  scripted_http_server peer({error_500});
  auto s = net::http_session::create({});
  ASSERT_TRUE(s);
  auto req = post(peer.url("/app"));
  req.sink = &sink;
  auto const r = (*s)->perform(req);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 500u);
  EXPECT_EQ(r->body, "page");
  EXPECT_EQ(sink.bytes_written(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir / "reply.bin"));
}

TEST(FileBody, RefusesWhatIsNotARegularFile) {
  bits::test::temp_dir dir;
  auto const d = net::file_body::open(dir.path());
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), boost::system::error_code(EISDIR, boost::system::system_category()));
  EXPECT_FALSE(net::file_body::open(dir / "missing"));
}

TEST(HttpSession, RequestTimeoutEndsASilentExchange) {
  // A listener that never accepts: the connection completes in the backlog and no
  // answer ever comes.
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto s = net::http_session::create({});
  ASSERT_TRUE(s);
  auto req = post("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/app");
  req.timeout = 300ms;
  auto const r = (*s)->perform(req);
  ::close(fd);
  ASSERT_FALSE(r);
  EXPECT_TRUE(net::is_timeout_error(r.error())) << r.error().message();
  EXPECT_FALSE(net::is_unreachable_error(r.error()));
}

TEST(HttpSession, RefusedConnectionIsUnreachable) {
  // Port 1 on loopback: nothing listens there in the test environment.
  auto s = net::http_session::create({});
  ASSERT_TRUE(s);
  auto const r = (*s)->perform(post("http://127.0.0.1:1/app"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(net::is_unreachable_error(r.error())) << r.error().message();
  EXPECT_FALSE(net::is_timeout_error(r.error()));
}

}  // namespace
}  // namespace bits::client::test
