// The S3 client against a real Ceph RADOS Gateway (signatures checked), and its retry
// and timeout behaviour against peers that misbehave on purpose.
#include "s3/client.hpp"
#include "s3/rgw_env.hpp"
#include "unit/client/scripted_http_server.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>

namespace bits::s3 {
namespace {

using test::rgw_bucket;
using test::rgw_options;

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
  std::vector<std::byte> v(n);
  std::mt19937 gen(seed);
  for (auto& b : v) b = static_cast<std::byte>(gen() & 0xFF);
  return v;
}

std::unique_ptr<client> make(client_options o) {
  auto c = client::create(std::move(o));
  EXPECT_TRUE(c) << c.error().describe();
  return std::move(*c);
}

/// A port on 127.0.0.1 that nothing listens on (bound, then closed).
std::uint16_t dead_port() {
  int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(S3Client, PutGetHeadDeleteRoundTrip) {
  rgw_bucket b("roundtrip");
  auto& c = b.client();
  auto const data = random_bytes(3'000'000, 1);
  auto etag = c.put_object("dir/object.bin", data);
  ASSERT_TRUE(etag) << etag.error().describe();
  EXPECT_EQ(*etag, md5_etag(data));

  auto head = c.head_object("dir/object.bin");
  ASSERT_TRUE(head) << head.error().describe();
  EXPECT_EQ(head->size, data.size());
  EXPECT_EQ(head->etag, *etag);
  EXPECT_GT(head->last_modified, 0);

  object_info info;
  auto back = c.get_object("dir/object.bin", std::nullopt, {}, &info);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);
  EXPECT_EQ(info.size, data.size());

  // A range: exactly those bytes, and the whole size from Content-Range.
  auto part = c.get_object("dir/object.bin", byte_range{10, 1009}, {}, &info);
  ASSERT_TRUE(part) << part.error().describe();
  ASSERT_EQ(part->size(), 1000U);
  EXPECT_TRUE(std::equal(part->begin(), part->end(), data.begin() + 10));
  EXPECT_EQ(info.size, data.size());

  // If-Match: a read of another version is refused.
  auto stale =
      c.get_object("dir/object.bin", byte_range{0, 9}, "\"0123456789abcdef0123456789abcdef\"");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind, errc::precondition_failed);
  EXPECT_EQ(stale.error().http_status, 412);

  auto past = c.get_object("dir/object.bin", byte_range{data.size(), data.size() + 5});
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().kind, errc::range_not_satisfiable);

  ASSERT_TRUE(c.delete_object("dir/object.bin"));
  auto gone = c.head_object("dir/object.bin");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, errc::no_such_key);
  auto get_gone = c.get_object("dir/object.bin");
  ASSERT_FALSE(get_gone);
  EXPECT_EQ(get_gone.error().kind, errc::no_such_key);
  EXPECT_EQ(get_gone.error().code, "NoSuchKey");
  EXPECT_EQ(get_gone.error().attempts, 1);         // not transient: not retried
  EXPECT_TRUE(c.delete_object("dir/object.bin"));  // deleting nothing is fine
}

TEST(S3Client, KeysWithReservedCharactersAreSignedAndStoredAsGiven) {
  rgw_bucket b("keys");
  auto& c = b.client();
  std::string const key = "a dir/\xC3\xBC n+i=c&e%20?~(1).txt";
  auto const data = random_bytes(1000, 2);
  auto put = c.put_object(key, data);
  ASSERT_TRUE(put) << put.error().describe();
  auto listed = c.list_objects("a dir/");
  ASSERT_TRUE(listed) << listed.error().describe();
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ(listed->front().key, key);
  auto back = c.get_object(key);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);
}

TEST(S3Client, WrongSecretOrUnknownKeyIsRefusedAndWritesNothing) {
  rgw_bucket b("auth");
  auto o = rgw_options(b.name());
  o.keys.secret_key = "not-the-secret";
  auto bad = make(o);
  auto const data = random_bytes(100, 3);
  auto put = bad->put_object("x", data);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, errc::auth_failed);
  EXPECT_EQ(put.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(put.error().attempts, 1);
  // The secret is never part of what a failure reports.
  EXPECT_EQ(put.error().describe().find("not-the-secret"), std::string::npos);

  o = rgw_options(b.name());
  o.keys.access_key = "NOSUCHACCESSKEY";
  auto unknown = make(o);
  auto put2 = unknown->put_object("x", data);
  ASSERT_FALSE(put2);
  EXPECT_EQ(put2.error().kind, errc::auth_failed);
  EXPECT_EQ(put2.error().code, "InvalidAccessKeyId");

  auto head = b.client().head_object("x");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, errc::no_such_key);
}

TEST(S3Client, UnsignedPayloadWorksToo) {
  rgw_bucket b("unsigned");
  auto o = rgw_options(b.name());
  o.sign_payload = false;
  auto c = make(o);
  auto const data = random_bytes(70'000, 4);
  ASSERT_TRUE(c->put_object("u", data));
  auto back = c->get_object("u");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);
}

TEST(S3Client, ConditionalPutRefusesToReplace) {
  rgw_bucket b("conditional");
  auto& c = b.client();
  auto const first = random_bytes(1000, 5);
  auto const second = random_bytes(1000, 6);
  write_conditions none;
  none.if_none_match = true;
  auto e1 = c.put_object("k", first, none);
  ASSERT_TRUE(e1) << e1.error().describe();
  auto e2 = c.put_object("k", second, none);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().kind, errc::precondition_failed);
  EXPECT_EQ(e2.error().code, "PreconditionFailed");
  auto back = c.get_object("k");
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == first);

  // If-Match: replaces only the version named.
  write_conditions wrong;
  wrong.if_match = md5_etag(second);
  auto e3 = c.put_object("k", second, wrong);
  ASSERT_FALSE(e3);
  EXPECT_EQ(e3.error().kind, errc::precondition_failed);
  write_conditions right;
  right.if_match = e1->substr(1, e1->size() - 2);  // RGW 16.2 wants it without quotes
  ASSERT_TRUE(c.put_object("k", second, right));
  back = c.get_object("k");
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == second);
}

TEST(S3Client, MultipartOfSeveralPartsIsByteIdenticalAndInvisibleUntilComplete) {
  rgw_bucket b("multipart");
  auto& c = b.client();
  std::size_t const p = 5 * 1024 * 1024;
  auto const data = random_bytes(2 * p + 123'457, 7);
  auto const span = std::span<std::byte const>(data);
  auto up = c.create_multipart("big/file");
  ASSERT_TRUE(up) << up.error().describe();
  // Out of order, and part 2 twice (the later one wins; same bytes here).
  ASSERT_TRUE(c.upload_part("big/file", *up, 3, span.subspan(2 * p)));
  ASSERT_TRUE(c.upload_part("big/file", *up, 2, span.subspan(p, p)));
  ASSERT_TRUE(c.upload_part("big/file", *up, 1, span.subspan(0, p)));
  ASSERT_TRUE(c.upload_part("big/file", *up, 2, span.subspan(p, p)));

  auto head = c.head_object("big/file");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, errc::no_such_key);

  auto parts = c.list_parts("big/file", *up);
  ASSERT_TRUE(parts) << parts.error().describe();
  ASSERT_EQ(parts->size(), 3U);
  EXPECT_EQ((*parts)[0].number, 1);
  EXPECT_EQ((*parts)[0].size, p);
  EXPECT_EQ((*parts)[1].size, p);
  EXPECT_EQ((*parts)[2].size, data.size() - 2 * p);
  EXPECT_EQ((*parts)[0].etag, md5_etag(span.subspan(0, p)));

  auto etag = c.complete_multipart("big/file", *up, *parts);
  ASSERT_TRUE(etag) << etag.error().describe();
  auto info = c.head_object("big/file");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->etag, multipart_etag(*parts));
  auto back = c.get_object("big/file");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);

  // The upload is gone once completed.
  auto again = c.list_parts("big/file", *up);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, errc::no_such_upload);
}

TEST(S3Client, SmallNonFinalPartIsRejectedAtComplete) {
  rgw_bucket b("toosmall");
  auto& c = b.client();
  auto const data = random_bytes(2000, 8);
  auto up = c.create_multipart("f");
  ASSERT_TRUE(up);
  ASSERT_TRUE(c.upload_part("f", *up, 1, std::span(data).subspan(0, 1000)));
  ASSERT_TRUE(c.upload_part("f", *up, 2, std::span(data).subspan(1000)));
  auto parts = c.list_parts("f", *up);
  ASSERT_TRUE(parts);
  auto done = c.complete_multipart("f", *up, *parts);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, errc::rejected);
  EXPECT_EQ(done.error().code, "EntityTooSmall");
  ASSERT_TRUE(c.abort_multipart("f", *up));
}

TEST(S3Client, AbortedUploadIsGone) {
  rgw_bucket b("abort");
  auto& c = b.client();
  auto up = c.create_multipart("f");
  ASSERT_TRUE(up);
  auto const data = random_bytes(100, 9);
  ASSERT_TRUE(c.upload_part("f", *up, 1, data));
  ASSERT_TRUE(c.abort_multipart("f", *up));
  auto parts = c.list_parts("f", *up);
  ASSERT_FALSE(parts);
  EXPECT_EQ(parts.error().kind, errc::no_such_upload);
  auto part = c.upload_part("f", *up, 2, data);
  ASSERT_FALSE(part);
  EXPECT_EQ(part.error().kind, errc::no_such_upload);
  auto again = c.abort_multipart("f", *up);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, errc::no_such_upload);
  EXPECT_FALSE(c.head_object("f"));
}

TEST(S3Client, ListObjectsByPrefixInKeyOrder) {
  rgw_bucket b("list");
  auto& c = b.client();
  auto const data = random_bytes(10, 10);
  for (auto const* k : {"p/3", "p/1", "p/2/x", "q/1", "p"}) ASSERT_TRUE(c.put_object(k, data));
  auto all = c.list_objects("p/");
  ASSERT_TRUE(all) << all.error().describe();
  std::vector<std::string> keys;
  for (auto const& o : *all) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"p/1", "p/2/x", "p/3"}));
  EXPECT_EQ(all->front().size, 10U);
  auto two = c.list_objects("p/", 2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->size(), 2U);
  auto none = c.list_objects("zzz/");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(S3Client, MissingBucketIsReported) {
  auto c = make(rgw_options(test::unique_bucket("missing")));
  auto put = c->put_object("x", random_bytes(10, 11));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, errc::no_such_bucket);
  auto list = c->list_objects("");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().kind, errc::no_such_bucket);
  auto up = c->create_multipart("x");
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().kind, errc::no_such_bucket);
}

TEST(S3Client, VirtualHostAddressing) {
  rgw_bucket b("vhost");
  auto o = rgw_options(b.name());
  // Host "<bucket>.localhost:PORT" (the gateway's rgw dns name is localhost).
  o.endpoint = "http://localhost:" + o.endpoint.substr(o.endpoint.rfind(':') + 1);
  o.virtual_host = true;
  o.resolve = {b.name() + ".localhost:" + o.endpoint.substr(o.endpoint.rfind(':') + 1) +
               ":127.0.0.1"};
  auto c = make(o);
  auto const data = random_bytes(5000, 12);
  auto put = c->put_object("v/k", data);
  ASSERT_TRUE(put) << put.error().describe();
  auto back = b.client().get_object("v/k");  // path-style sees the same object
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);
  auto listed = c->list_objects("v/");
  ASSERT_TRUE(listed) << listed.error().describe();
  EXPECT_EQ(listed->size(), 1U);
}

TEST(S3Client, TlsWithCaBundle) {
  rgw_bucket b("tls");
  auto o = rgw_options(b.name());
  o.endpoint = test::rgw().tls_endpoint;
  o.ca_file = test::rgw().ca_file;
  auto c = make(o);
  auto const data = random_bytes(100'000, 13);
  auto put = c->put_object("t", data);
  ASSERT_TRUE(put) << put.error().describe();
  auto back = c->get_object("t");
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_TRUE(*back == data);

  // Without the bundle the self-signed certificate is not trusted.
  o.ca_file.clear();
  o.max_attempts = 1;
  auto untrusting = make(o);
  auto refused = untrusting->head_object("t");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, errc::unreachable);
}

TEST(S3Client, NothingListeningIsUnreachableAfterRetries) {
  auto o = rgw_options("any");
  o.endpoint = "http://127.0.0.1:" + std::to_string(dead_port());
  o.max_attempts = 3;
  auto c = make(o);
  auto head = c->head_object("x");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, errc::unreachable);
  EXPECT_EQ(head.error().http_status, 0);
  EXPECT_EQ(head.error().attempts, 3);
  // Not idempotent, but a refused connection surely sent nothing: retried as well.
  auto up = c->create_multipart("x");
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().attempts, 3);
}

TEST(S3Client, SilentPeerTimesOut) {
  // Accepts connections (the kernel's backlog) but never answers.
  int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  auto o = rgw_options("any");
  o.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  o.max_attempts = 2;
  o.stall_timeout = std::chrono::seconds(1);
  o.request_timeout = std::chrono::seconds(1);
  auto c = make(o);
  auto const start = std::chrono::steady_clock::now();
  auto head = c->head_object("x");
  auto const took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, errc::unreachable);
  EXPECT_EQ(head.error().attempts, 2);
  EXPECT_LT(took, std::chrono::seconds(20));  // bounded, not a speed assertion
}

std::string slow_down() {
  std::string const body =
      "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request "
      "rate.</Message><RequestId>r1</RequestId></Error>";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST(S3Client, SlowDownIsRetriedWithBackoffThenSucceeds) {
  bits::client::test::scripted_http_server peer(
      {slow_down(), slow_down(), "HTTP/1.1 200 OK\r\nETag: \"abc\"\r\nContent-Length: 0\r\n\r\n"});
  auto o = rgw_options("bkt");
  o.endpoint = peer.url("");
  auto c = make(o);
  auto put = c->put_object("k", random_bytes(10, 14));
  ASSERT_TRUE(put) << put.error().describe();
  EXPECT_EQ(*put, "\"abc\"");
  EXPECT_EQ(peer.requests().size(), 3U);
}

TEST(S3Client, ThrottlingThatPersistsIsReportedWithTheStoresWords) {
  bits::client::test::scripted_http_server peer({slow_down(), slow_down()});
  auto o = rgw_options("bkt");
  o.endpoint = peer.url("");
  o.max_attempts = 2;
  auto c = make(o);
  auto put = c->put_object("k", random_bytes(10, 15));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, errc::throttled);
  EXPECT_EQ(put.error().http_status, 503);
  EXPECT_EQ(put.error().code, "SlowDown");
  EXPECT_EQ(put.error().message, "Please reduce your request rate.");
  EXPECT_EQ(put.error().request_id, "r1");
  EXPECT_EQ(put.error().attempts, 2);
}

TEST(S3Client, CreateMultipartIsNotResentAfterAServerError) {
  bits::client::test::scripted_http_server peer({slow_down(), slow_down()});
  auto o = rgw_options("bkt");
  o.endpoint = peer.url("");
  auto c = make(o);
  auto up = c->create_multipart("k");
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().kind, errc::throttled);
  EXPECT_EQ(peer.requests().size(), 1U);  // it may have created an upload: not sent twice
}

}  // namespace
}  // namespace bits::s3
