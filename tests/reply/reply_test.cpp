// Upload-reply end to end (reference 7.3-7.5): what the application receives, where
// the reply comes from, and how the reply URL serves it.
#include "reply/reply_fixture.hpp"

#include "reply/byteranges.hpp"
#include "support/digest.hpp"

#include <filesystem>

namespace bits::test {
namespace {

namespace fs = std::filesystem;

std::string ref_reply(std::string_view data) {
  return "reply:ref:" + sha256_hex(data);
}

std::string value_reply(std::string_view data) {
  return "reply:value:" + sha256_hex(data);
}

/// The reply URL the server itself serves: http://<host>/up/.bits-reply/<32 hex>.
::testing::AssertionResult is_served_reply_url(std::string_view url, std::string_view host) {
  std::string const prefix = "http://" + std::string(host) + "/up/.bits-reply/";
  if (url.substr(0, prefix.size()) != prefix || !is_hex32(url.substr(prefix.size()))) {
    return ::testing::AssertionFailure()
           << "BITS-Reply-URL '" << url << "' is not " << prefix << "<32 hex>";
  }
  return ::testing::AssertionSuccess();
}

using reply_e2e_test = reply_test;

TEST_F(reply_e2e_test, ByReferenceDeliversTheFileAndServesTheReply) {
  ASSERT_TRUE(start_reply("reference", app_url("ok")));
  std::string const data = random_bytes(100000, 1);
  auto c = connect();
  auto const up = upload(c, "/up/report.bin", data, 32768);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  EXPECT_EQ(up.last.header_or_empty("BITS-Session-Id"), up.id);
  auto const url = up.last.header_or_empty("BITS-Reply-URL");
  EXPECT_TRUE(is_served_reply_url(url, server_host()));

  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].body_length, 0U) << "by reference the request has no body";
  EXPECT_EQ(calls[0].request_file_exists, true);
  EXPECT_EQ(calls[0].request_file_size, data.size());
  EXPECT_EQ(calls[0].request_file_sha256, sha256_hex(data));
  EXPECT_EQ(calls[0].response_dir_exists, true);

  auto const reply = get(path_of(url));
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.body, ref_reply(data));
  EXPECT_FALSE(fs::exists(root() / "report.bin")) << "nothing is stored at the destination";
}

TEST_F(reply_e2e_test, ByReferenceHeadersNameFilesInsideTheSpool) {
  ASSERT_TRUE(start_reply("reference", app_url("ok")));
  std::string const data = random_bytes(5000, 2);
  std::string const target = "/up/missing-folder/report.bin?account=42&x=a%20b";
  auto c = connect();
  auto const up = upload(c, target, data, 4096);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));

  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  auto const& call = calls[0];
  EXPECT_EQ(call.target, "/ok?account=42&x=a%20b") << "the upload's query string is appended";
  EXPECT_EQ(call.header("Content-Length").value_or("absent"), "0");
  // The reference names the absolute destination URL; whether the query is part of it is
  // not fixed, so both spellings pass.
  std::string const original = call.header("BITS-Original-Request-URL").value_or("");
  std::string const absolute = "http://" + server_host() + "/up/missing-folder/report.bin";
  EXPECT_TRUE(original == absolute || original == absolute + "?account=42&x=a%20b") << original;

  fs::path const request_file = call.header("BITS-Request-DataFile-Name").value_or("");
  fs::path const response_file = call.header("BITS-Response-DataFile-Name").value_or("");
  ASSERT_TRUE(request_file.is_absolute()) << request_file;
  ASSERT_TRUE(response_file.is_absolute()) << response_file;
  EXPECT_NE(request_file, response_file);
  EXPECT_EQ(request_file.parent_path(), response_file.parent_path());
  EXPECT_EQ(request_file.parent_path().parent_path(), fs::canonical(spool()))
      << "the files are in a session folder of the spool";
  EXPECT_TRUE(is_hex32(request_file.parent_path().filename().string())) << request_file;
  auto const entries = spool_entries();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0], request_file.parent_path().filename().string());
  EXPECT_EQ(call.request_file_sha256, sha256_hex(data)) << "the file is complete during the call";
}

TEST_F(reply_e2e_test, ByValueSendsTheFileAsBodyAndStoresTheResponseBody) {
  ASSERT_TRUE(start_reply("value", app_url("ok")));
  std::string const data = random_bytes(70000, 3);
  auto c = connect();
  auto const up = upload(c, "/up/report.bin?id=9", data, 20000);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const url = up.last.header_or_empty("BITS-Reply-URL");
  EXPECT_TRUE(is_served_reply_url(url, server_host()));

  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].method, "POST");
  EXPECT_EQ(calls[0].target, "/ok?id=9");
  EXPECT_EQ(calls[0].body_length, data.size());
  EXPECT_EQ(calls[0].body_sha256, sha256_hex(data));
  EXPECT_FALSE(calls[0].header("BITS-Request-DataFile-Name"));
  EXPECT_FALSE(calls[0].header("BITS-Response-DataFile-Name"));
  EXPECT_TRUE(calls[0]
                  .header("BITS-Original-Request-URL")
                  .value_or("")
                  .starts_with("http://" + server_host() + "/up/report.bin"));

  auto const reply = get(path_of(url));
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.body, value_reply(data));
}

TEST_F(reply_e2e_test, HostRelativeNotificationUrlUsesTheUploadHost) {
  ASSERT_TRUE(start_reply("reference", "/ok"));
  // The Host header names the application's port, so "/ok" resolves to it.
  std::string const host = "127.0.0.1:" + std::to_string(app_port());
  std::string const data = random_bytes(3000, 4);
  auto c = connect();
  auto const up = upload(c, "/up/a/b.bin?q=1", data, 3000, host);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].target, "/ok?q=1");
  auto const url = up.last.header_or_empty("BITS-Reply-URL");
  EXPECT_TRUE(is_served_reply_url(url, host)) << "the reply URL uses the request's Host";
  EXPECT_EQ(get(path_of(url)).body, ref_reply(data));
}

TEST_F(reply_e2e_test, FolderRelativeNotificationUrlResolvesAgainstTheUploadFolder) {
  ASSERT_TRUE(start_reply("value", "ok"));
  std::string const host = "127.0.0.1:" + std::to_string(app_port());
  std::string const data = random_bytes(3000, 5);
  auto c = connect();
  auto const up = upload(c, "/up/sub/file.bin?k=v", data, 3000, host);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].target, "/up/sub/ok?k=v");
}

TEST_F(reply_e2e_test, UploadQueryIsAppendedToAConfiguredQuery) {
  ASSERT_TRUE(start_reply("reference", app_url("ok?fixed=1")));
  auto c = connect();
  auto const up = upload(c, "/up/f.bin?acct=7", "hello", 5);
  ASSERT_TRUE(is_reply_ack(up.last, 5));
  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].target, "/ok?fixed=1&acct=7");
}

TEST_F(reply_e2e_test, NonVisibleQueryBytesArePercentEncoded) {
  ASSERT_TRUE(start_reply("reference", app_url("ok")));
  std::string const target = "/up/f.bin?name=\xC3\xA9t\xC3\xA9";
  auto c = connect();
  auto const r =
      post(c, target, "Create-Session", {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
  if (r.status != 200) GTEST_SKIP() << "the server refuses raw non-ASCII targets: " << r;
  auto const id = r.header_or_empty("BITS-Session-Id");
  auto const last = fragment(c, target, id, 0, "abc", 3);
  ASSERT_TRUE(is_reply_ack(last, 3));
  auto const calls = app_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].target, "/ok?name=%C3%A9t%C3%A9");
}

class reply_type_test : public reply_test, public ::testing::WithParamInterface<std::string> {};

TEST_P(reply_type_test, StaticResponseUrlIsTheReplyUrl) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("static")));
  std::string const data = random_bytes(9000, 6);
  auto c = connect();
  auto const up = upload(c, "/up/s.bin", data, 4000);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  EXPECT_EQ(up.last.header_or_empty("BITS-Reply-URL"), static_reply_url);
  EXPECT_EQ(app_calls().size(), 1U);
  EXPECT_FALSE(fs::exists(root() / "s.bin"));
}

TEST_P(reply_type_test, CopyFileToDestinationStoresTheUpload) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("copy")));
  std::string const data = random_bytes(50000, 7);
  auto c = connect();
  auto const up = upload(c, "/up/kept.bin", data, 16384);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  EXPECT_EQ(read_file(root() / "kept.bin"), data);
  auto const reply = get(path_of(up.last.header_or_empty("BITS-Reply-URL")));
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.body, GetParam() == "reference" ? ref_reply(data) : value_reply(data));
}

TEST_P(reply_type_test, ApplicationWithoutReplyGivesAZeroByteReply) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("noreply")));
  auto c = connect();
  auto const up = upload(c, "/up/n.bin", "some bytes", 10);
  ASSERT_TRUE(is_reply_ack(up.last, 10));
  auto const path = path_of(up.last.header_or_empty("BITS-Reply-URL"));
  auto const head = get(path, {}, "HEAD");
  EXPECT_EQ(head.status, 200) << head;
  EXPECT_EQ(head.header_or_empty("Content-Length"), "0");
  auto const body = get(path);
  EXPECT_EQ(body.status, 200) << body;
  EXPECT_EQ(body.header_or_empty("Content-Length"), "0");
  EXPECT_TRUE(body.body.empty());
}

TEST_P(reply_type_test, CreateSessionDoesNotCheckTheDestination) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("ok")));
  ASSERT_TRUE(write_file(root() / "exists.bin", "old content"));
  auto c = connect();
  auto const up = upload(c, "/up/exists.bin", "new bytes", 9);
  ASSERT_TRUE(is_reply_ack(up.last, 9));
  EXPECT_EQ(read_file(root() / "exists.bin"), "old content") << "no copy was asked for";
}

TEST_P(reply_type_test, CopyRespectsTheOverwriteRule) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("copy")));
  ASSERT_TRUE(write_file(root() / "exists.bin", "old content"));
  auto c = connect();
  auto const up = upload(c, "/up/exists.bin", "new bytes", 9);
  EXPECT_EQ(up.last.status, 403) << up.last;
  EXPECT_EQ(up.last.header_or_empty("BITS-Error-Code"), "0x80070005") << up.last;
  EXPECT_FALSE(up.last.has("BITS-Reply-URL")) << up.last;
  EXPECT_EQ(read_file(root() / "exists.bin"), "old content");
}

TEST_P(reply_type_test, CopyOverwritesWhenAllowed) {
  ASSERT_TRUE(start_reply(GetParam(), app_url("copy"),
                          [](vdir_options& v) { v.set("allow_overwrites", true); }));
  ASSERT_TRUE(write_file(root() / "exists.bin", "old content"));
  auto c = connect();
  auto const up = upload(c, "/up/exists.bin", "new bytes", 9);
  ASSERT_TRUE(is_reply_ack(up.last, 9));
  EXPECT_EQ(read_file(root() / "exists.bin"), "new bytes");
}

INSTANTIATE_TEST_SUITE_P(types, reply_type_test, ::testing::Values("reference", "value"));

TEST_F(reply_e2e_test, ReplySupportsHeadRangesAndValidators) {
  ASSERT_TRUE(start_reply("reference", app_url("ok")));
  std::string const data = random_bytes(2048, 8);
  std::string const expected = ref_reply(data);  // 74 bytes
  auto c = connect();
  auto const up = upload(c, "/up/r.bin", data, 2048);
  ASSERT_TRUE(is_reply_ack(up.last, data.size()));
  auto const path = path_of(up.last.header_or_empty("BITS-Reply-URL"));
  std::string const size = std::to_string(expected.size());

  auto const head = get(path, {}, "HEAD");
  ASSERT_EQ(head.status, 200) << head;
  EXPECT_EQ(head.header_or_empty("Content-Length"), size);
  EXPECT_EQ(head.header_or_empty("Accept-Ranges"), "bytes");
  EXPECT_FALSE(head.header_or_empty("Last-Modified").empty());
  auto const etag = head.header_or_empty("ETag");
  EXPECT_TRUE(etag.size() > 2 && etag.front() == '"' && etag.back() == '"') << etag;
  EXPECT_TRUE(head.body.empty());

  auto const first = get(path, {{"Range", "bytes=0-9"}});
  EXPECT_EQ(first.status, 206) << first;
  EXPECT_EQ(first.header_or_empty("Content-Range"), "bytes 0-9/" + size);
  EXPECT_EQ(first.body, "reply:ref:");
  auto const tail = get(path, {{"Range", "bytes=-64"}});
  EXPECT_EQ(tail.status, 206) << tail;
  EXPECT_EQ(tail.body, sha256_hex(data));
  auto const from = get(path, {{"Range", "bytes=70-"}});
  EXPECT_EQ(from.header_or_empty("Content-Range"), "bytes 70-73/" + size);
  EXPECT_EQ(from.body, expected.substr(70));

  auto const multi = get(path, {{"Range", "bytes=6-9,0-4"}});
  ASSERT_EQ(multi.status, 206) << multi;
  std::string why;
  auto const parts = parse_byteranges(multi, why);
  ASSERT_TRUE(parts) << why << "\n" << multi;
  ASSERT_EQ(parts->size(), 2U);
  EXPECT_EQ((*parts)[0].data, "ref:");
  EXPECT_EQ((*parts)[1].data, "reply");

  auto const beyond = get(path, {{"Range", "bytes=" + size + "-"}});
  EXPECT_EQ(beyond.status, 416) << beyond;
  EXPECT_EQ(beyond.header_or_empty("Content-Range"), "bytes */" + size);
  auto const cached = get(path, {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304) << cached;
}

TEST_F(reply_e2e_test, ReplyTokensAreUniqueAndNotTheSessionId) {
  ASSERT_TRUE(start_reply("value", app_url("ok")));
  auto c = connect();
  auto const a = upload(c, "/up/a.bin", "first", 5);
  auto const b = upload(c, "/up/b.bin", "second", 6);
  ASSERT_TRUE(is_reply_ack(a.last, 5));
  ASSERT_TRUE(is_reply_ack(b.last, 6));
  auto const url_a = a.last.header_or_empty("BITS-Reply-URL");
  auto const url_b = b.last.header_or_empty("BITS-Reply-URL");
  EXPECT_NE(url_a, url_b);
  for (auto const& name : spool_entries()) {
    EXPECT_EQ(url_a.find(name), std::string::npos) << "the token is a spool folder name";
    EXPECT_EQ(url_b.find(name), std::string::npos) << "the token is a spool folder name";
  }
  EXPECT_EQ(get(path_of(url_a)).body, value_reply("first"));
  EXPECT_EQ(get(path_of(url_b)).body, value_reply("second"));
  EXPECT_EQ(get("/up/.bits-reply/0123456789abcdef0123456789abcdef").status, 404);
  EXPECT_EQ(get("/up/.bits-reply/").status, 404);
}

TEST_F(reply_e2e_test, ReplyIsServedWhenDownloadsAreDisabled) {
  ASSERT_TRUE(start_reply("reference", app_url("ok"),
                          [](vdir_options& v) { v.set("downloads_enabled", false); }));
  auto c = connect();
  auto const up = upload(c, "/up/d.bin", "payload", 7);
  ASSERT_TRUE(is_reply_ack(up.last, 7));
  auto const reply = get(path_of(up.last.header_or_empty("BITS-Reply-URL")));
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.body, ref_reply("payload"));
  ASSERT_TRUE(write_file(root() / "plain.txt", "x"));
  EXPECT_EQ(get("/up/plain.txt").status, 405);
}

}  // namespace
}  // namespace bits::test
