// Download conformance of committed files (reference 10): HEAD, full and ranged GET,
// multipart/byteranges, 416, conditional requests, a file replaced between two ranged
// requests, what is never served, and downloads_enabled = false.
#include "reply/reply_fixture.hpp"

#include "reply/byteranges.hpp"
#include "support/digest.hpp"

#include <filesystem>

namespace bits::test {
namespace {

namespace fs = std::filesystem;

class download_test : public reply_test {
 protected:
  /// A plain vdir; `allow_overwrites` and `downloads` as given.
  ::testing::AssertionResult start_plain(bool allow_overwrites = false, bool downloads = true) {
    vdir_options v = plain_vdir();
    if (allow_overwrites) v.set("allow_overwrites", true);
    if (!downloads) v.set("downloads_enabled", false);
    return start_server({v});
  }

  /// Uploads `data` to /up/<name> as a plain upload; the final Ack must be a plain 200.
  void publish(std::string const& name, std::string const& data) {
    auto c = connect();
    auto const up = upload(c, "/up/" + name, data, 65536);
    ASSERT_TRUE(is_progress_ack(up.last, data.size()));
    EXPECT_FALSE(up.last.has("BITS-Reply-URL")) << "a plain upload has no reply URL";
    EXPECT_EQ(close(c, "/up/" + name, up.id).status, 200);
  }

  static std::string size_of(std::string const& data) { return std::to_string(data.size()); }
};

/// `r` is 206 with one range: Content-Range "bytes first-last/size" and those bytes.
::testing::AssertionResult is_range(http_response const& r, std::string const& data,
                                    std::size_t first, std::size_t last) {
  std::string const range = "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                            std::to_string(data.size());
  if (r.status != 206 || r.header_or_empty("Content-Range") != range) {
    return ::testing::AssertionFailure() << "expected 206 with Content-Range " << range << "\n"
                                         << r.describe();
  }
  if (r.body != data.substr(first, last - first + 1) ||
      r.header_or_empty("Content-Length") != std::to_string(last - first + 1)) {
    return ::testing::AssertionFailure() << "wrong bytes for " << range << "\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

/// `r` is 200 with the whole of `data`.
::testing::AssertionResult is_full(http_response const& r, std::string const& data) {
  if (r.status != 200 || r.body != data || r.has("Content-Range") ||
      r.header_or_empty("Content-Length") != std::to_string(data.size())) {
    return ::testing::AssertionFailure()
           << "expected 200 with the whole file (" << data.size() << " bytes)\n"
           << r.describe();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(download_test, HeadReportsSizeAndValidatorsLikeGet) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(100000, 31);
  publish("file.bin", data);
  auto const head = get("/up/file.bin", {}, "HEAD");
  ASSERT_EQ(head.status, 200) << head;
  EXPECT_EQ(head.header_or_empty("Content-Length"), size_of(data));
  EXPECT_EQ(head.header_or_empty("Accept-Ranges"), "bytes");
  auto const etag = head.header_or_empty("ETag");
  EXPECT_TRUE(etag.size() > 2 && etag.front() == '"' && etag.back() == '"')
      << "ETag must be strong and quoted: " << etag;
  EXPECT_TRUE(head.header_or_empty("Last-Modified").ends_with(" GMT")) << head;
  EXPECT_TRUE(head.body.empty());

  auto const full = get("/up/file.bin");
  EXPECT_TRUE(is_full(full, data));
  EXPECT_EQ(full.header_or_empty("ETag"), etag);
  EXPECT_EQ(full.header_or_empty("Last-Modified"), head.header_or_empty("Last-Modified"));
  EXPECT_EQ(full.header_or_empty("Accept-Ranges"), "bytes");
}

TEST_F(download_test, SingleRangeForms) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(10000, 32);
  publish("file.bin", data);
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=100-199"}}), data, 100, 199));
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=9900-"}}), data, 9900, 9999));
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=-100"}}), data, 9900, 9999));
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=0-"}}), data, 0, 9999));
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=0-0"}}), data, 0, 0));
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=9990-20000"}}), data, 9990, 9999))
      << "a last position beyond the end is clamped";
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=-20000"}}), data, 0, 9999))
      << "a suffix longer than the file is the whole file";
}

TEST_F(download_test, MultipleRangesComeInRequestOrder) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(10000, 33);
  publish("file.bin", data);
  auto const r = get("/up/file.bin", {{"Range", "bytes=5000-5099,0-9,-20"}});
  ASSERT_EQ(r.status, 206) << r;
  EXPECT_FALSE(r.has("Content-Range")) << "a multipart answer has Content-Range per part";
  std::string why;
  auto const parts = parse_byteranges(r, why);
  ASSERT_TRUE(parts) << why << "\n" << r;
  ASSERT_EQ(parts->size(), 3U);
  std::size_t const expected[3][2] = {{5000, 5099}, {0, 9}, {9980, 9999}};
  for (std::size_t i = 0; i < 3; ++i) {
    auto const& p = (*parts)[i];
    EXPECT_EQ(p.first, expected[i][0]) << "part " << i;
    EXPECT_EQ(p.last, expected[i][1]) << "part " << i;
    EXPECT_EQ(p.size, data.size()) << "part " << i;
    EXPECT_EQ(p.data, data.substr(p.first, p.last - p.first + 1)) << "part " << i;
  }
}

TEST_F(download_test, OverlappingRangesAreMergedDisjointOnesKeepTheirOrder) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(1000, 34);
  publish("file.bin", data);
  auto const r = get("/up/file.bin", {{"Range", "bytes=50-149,900-909,0-99,150-159"}});
  ASSERT_EQ(r.status, 206) << r;
  std::string why;
  auto const parts = parse_byteranges(r, why);
  ASSERT_TRUE(parts) << why << "\n" << r;
  ASSERT_EQ(parts->size(), 2U) << "RFC 9110 14.2: overlapping and adjacent ranges coalesced";
  EXPECT_EQ((*parts)[0].first, 0U);
  EXPECT_EQ((*parts)[0].data, data.substr(0, 160));
  EXPECT_EQ((*parts)[1].first, 900U);
  EXPECT_EQ((*parts)[1].data, data.substr(900, 10));

  // The whole file asked for 64 times is sent once.
  std::string many = "bytes=0-";
  for (int i = 1; i < 64; ++i) many += ",0-";
  auto const once = get("/up/file.bin", {{"Range", many}});
  ASSERT_EQ(once.status, 206) << once;
  EXPECT_EQ(once.header_or_empty("Content-Range"), "bytes 0-999/1000") << once;
  EXPECT_EQ(once.body, data);
}

TEST_F(download_test, UnsatisfiableRangeIs416WithTheSize) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(1000, 35);
  publish("file.bin", data);
  for (std::string const range : {"bytes=1000-", "bytes=1000-1005", "bytes=5000-6000"}) {
    auto const r = get("/up/file.bin", {{"Range", range}});
    EXPECT_EQ(r.status, 416) << range << "\n" << r;
    EXPECT_EQ(r.header_or_empty("Content-Range"), "bytes */1000") << range;
  }
}

TEST_F(download_test, InvalidRangeSyntaxGivesTheWholeFile) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(1000, 36);
  publish("file.bin", data);
  for (std::string const range : {"bytes=abc", "bytes=10-5", "items=0-5", "bytes=", "0-5"}) {
    EXPECT_TRUE(is_full(get("/up/file.bin", {{"Range", range}}), data)) << "Range: " << range;
  }
}

TEST_F(download_test, ConditionalRequests) {
  ASSERT_TRUE(start_plain());
  std::string const data = random_bytes(3000, 37);
  publish("file.bin", data);
  auto const head = get("/up/file.bin", {}, "HEAD");
  auto const etag = head.header_or_empty("ETag");
  auto const modified = head.header_or_empty("Last-Modified");
  ASSERT_FALSE(etag.empty());
  ASSERT_FALSE(modified.empty());

  auto const same_tag = get("/up/file.bin", {{"If-None-Match", etag}});
  EXPECT_EQ(same_tag.status, 304) << same_tag;
  EXPECT_TRUE(same_tag.body.empty());
  EXPECT_EQ(same_tag.header_or_empty("ETag"), etag);
  EXPECT_EQ(get("/up/file.bin", {{"If-None-Match", etag}}, "HEAD").status, 304);
  EXPECT_TRUE(is_full(get("/up/file.bin", {{"If-None-Match", "\"other\""}}), data));

  EXPECT_EQ(get("/up/file.bin", {{"If-Modified-Since", modified}}).status, 304);
  EXPECT_EQ(get("/up/file.bin", {{"If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"}}).status,
            304);
  EXPECT_TRUE(
      is_full(get("/up/file.bin", {{"If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}}), data));

  EXPECT_TRUE(
      is_range(get("/up/file.bin", {{"Range", "bytes=10-19"}, {"If-Range", etag}}), data, 10, 19));
  EXPECT_TRUE(
      is_full(get("/up/file.bin", {{"Range", "bytes=10-19"}, {"If-Range", "\"old\""}}), data));
}

TEST_F(download_test, FileReplacedBetweenRangedRequests) {
  ASSERT_TRUE(start_plain(/*allow_overwrites=*/true));
  std::string const v1 = random_bytes(5000, 38);
  std::string const v2 = random_bytes(6000, 39);
  publish("file.bin", v1);
  auto const first = get("/up/file.bin", {{"Range", "bytes=0-999"}});
  ASSERT_TRUE(is_range(first, v1, 0, 999));
  auto const old_tag = first.header_or_empty("ETag");

  publish("file.bin", v2);
  auto const next = get("/up/file.bin", {{"Range", "bytes=1000-1999"}, {"If-Range", old_tag}});
  EXPECT_TRUE(is_full(next, v2)) << "If-Range with the old ETag must give the new file whole";
  auto const new_tag = next.header_or_empty("ETag");
  EXPECT_NE(new_tag, old_tag);
  EXPECT_TRUE(is_range(get("/up/file.bin", {{"Range", "bytes=1000-1999"}, {"If-Range", new_tag}}),
                       v2, 1000, 1999));
  EXPECT_EQ(get("/up/file.bin", {{"If-None-Match", old_tag}}).status, 200);
}

TEST_F(download_test, DirectoriesAndTheSpoolAreNeverServed) {
  ASSERT_TRUE(start_plain());
  fs::create_directories(root() / "dir");
  ASSERT_TRUE(write_file(root() / "dir" / "inside.txt", "inside"));
  // An open session, so the spool holds a folder with a data file.
  auto c = connect();
  std::string const id = create(c, "/up/partial.bin");
  ASSERT_TRUE(is_progress_ack(fragment(c, "/up/partial.bin", id, 0, "secret", 100), 6));
  auto const entries = spool_entries();
  ASSERT_EQ(entries.size(), 1U);
  std::string const entry = "/up/.bits-spool/" + entries[0];

  for (std::string const& target :
       {std::string("/up/"), std::string("/up"), std::string("/up/dir"), std::string("/up/dir/"),
        std::string("/up/.bits-spool"), std::string("/up/.bits-spool/"), entry, entry + "/",
        entry + "/data", std::string("/up/%2Ebits-spool/") + entries[0] + "/data",
        std::string("/up/partial.bin"), std::string("/up/missing.bin")}) {
    for (std::string const method : {"GET", "HEAD"}) {
      auto const r = get(target, {}, method);
      EXPECT_EQ(r.status, 404) << method << " " << target << "\n" << r;
      EXPECT_EQ(r.body.find("inside.txt"), std::string::npos) << "a listing: " << target;
      EXPECT_EQ(r.body.find("secret"), std::string::npos) << "spool data served: " << target;
    }
  }
  // Dot segments may be refused (400) or resolved (404); never served.
  auto const dots = get("/up/dir/../.bits-spool/" + entries[0] + "/data");
  EXPECT_TRUE(dots.status == 400 || dots.status == 404) << dots;
  EXPECT_EQ(get("/up/dir/inside.txt").body, "inside") << "files in folders are served";
}

TEST_F(download_test, ZeroByteFile) {
  ASSERT_TRUE(start_plain());
  ASSERT_TRUE(write_file(root() / "empty.bin", ""));
  auto const head = get("/up/empty.bin", {}, "HEAD");
  EXPECT_EQ(head.status, 200) << head;
  EXPECT_EQ(head.header_or_empty("Content-Length"), "0");
  auto const r = get("/up/empty.bin", {{"Range", "bytes=0-0"}});
  EXPECT_EQ(r.status, 416) << r;
  EXPECT_EQ(r.header_or_empty("Content-Range"), "bytes */0");
}

TEST_F(download_test, DownloadsDisabledAnswers405) {
  ASSERT_TRUE(start_plain(false, /*downloads=*/false));
  ASSERT_TRUE(write_file(root() / "file.bin", "content"));
  auto const r = get("/up/file.bin");
  EXPECT_EQ(r.status, 405) << r;
  EXPECT_EQ(r.header_or_empty("Allow").find("GET"), std::string::npos) << r;
  EXPECT_EQ(get("/up/file.bin", {}, "HEAD").status, 405);
  EXPECT_EQ(get("/up/file.bin", {{"Range", "bytes=0-1"}}).status, 405);
}

}  // namespace
}  // namespace bits::test
