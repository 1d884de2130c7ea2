// Fragment packets: offsets, overlap, duplicates, gaps, limits, header validation,
// zero-byte files, and byte-exact uploads of several sizes.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

using Fragments = daemon_test;

constexpr std::size_t kib = 1024;
constexpr std::size_t mib = 1024 * kib;

TEST_F(Fragments, AckEchoesSessionAndReportsNextOffset) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  std::string const data = random_bytes(300, 1);
  auto const r = client.send_fragment("/f.bin", id, 0, 99, 300, data.substr(0, 100));
  EXPECT_TRUE(is_fragment_ack(r, 100));
  EXPECT_EQ(r.header_or_empty("BITS-Session-Id"), id);
}

TEST_F(Fragments, FileAppearsOnlyWithTheLastByte) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  std::string const data = random_bytes(300, 2);
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 149, 300, data.substr(0, 150)), 150));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/f.bin", id, 150, 298, 300, data.substr(150, 149)), 299));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 299, 299, 300, data.substr(299)), 300));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Fragments, OverlapWritesOnlyNewBytes) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  std::string const first = random_bytes(100, 3);
  std::string second = random_bytes(100, 4);  // 50-149; its 50-99 differ from `first`
  ASSERT_NE(second.substr(0, 50), first.substr(50));
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 150, first), 100));
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/f.bin", id, 50, 149, 150, second), 150));
  EXPECT_EQ(read_file(root() / "f.bin"), first + second.substr(50));
}

TEST_F(Fragments, PureDuplicateKeepsOffset) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  std::string const data = random_bytes(200, 5);
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 200, data.substr(0, 100)), 100));
  EXPECT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 200, data.substr(0, 100)), 100));
  EXPECT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 10, 49, 200, data.substr(10, 40)), 100));
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 100, 199, 200, data.substr(100)), 200));
  // A retransmitted final fragment after completion is a duplicate too.
  EXPECT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 100, 199, 200, data.substr(100)), 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Fragments, GapIs416WithNextOffset) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  std::string const data = random_bytes(300, 6);
  // Before anything arrived N is 0.
  auto const early = client.send_fragment("/f.bin", id, 100, 199, 300, data.substr(100, 100));
  EXPECT_TRUE(is_error_ack(early, 416, "0x0"));
  EXPECT_EQ(received_range(early), 0U) << early;
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 300, data.substr(0, 100)), 100));
  auto const gap = client.send_fragment("/f.bin", id, 200, 299, 300, data.substr(200));
  EXPECT_TRUE(is_error_ack(gap, 416, "0x0"));
  EXPECT_EQ(received_range(gap), 100U) << gap;
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 100, 299, 300, data.substr(100)), 300));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Fragments, ChangedTotalIsInvalid) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  std::string const data = random_bytes(200, 7);
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 0, 99, 200, data.substr(0, 100)), 100));
  EXPECT_TRUE(is_error_ack(client.send_fragment("/f.bin", id, 100, 199, 300, data.substr(100)), 400,
                           e_invalidarg));
  // The session is untouched and still completes with its original total.
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/f.bin", id, 100, 199, 200, data.substr(100)), 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Fragments, TotalAboveMaxUploadSizeIsTooLarge) {
  auto options = up_options();
  options.vdirs[0].set("max_upload_size", 1000);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  std::string const id = client.create_session("/up/f.bin");
  auto const r = client.send_fragment("/up/f.bin", id, 0, 99, 2000, random_bytes(100, 8));
  EXPECT_TRUE(is_error_ack(r, 500, bg_e_too_large));
  std::string const fits = random_bytes(1000, 9);
  EXPECT_TRUE(is_fragment_ack(client.send_fragment("/up/f.bin", id, 0, 999, 1000, fits), 1000));
  EXPECT_EQ(read_file(root() / "f.bin"), fits);
}

TEST_F(Fragments, BodyAboveMaxFragmentSizeIs413WithoutErrorCode) {
  auto options = up_options();
  options.vdirs[0].set("max_fragment_size", 5120);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  std::string const id = client.create_session("/up/f.bin");
  std::string const data = random_bytes(8000, 10);
  auto const r = client.send_fragment("/up/f.bin", id, 0, 5999, 8000, data.substr(0, 6000));
  EXPECT_EQ(r.status, 413) << r;
  EXPECT_TRUE(iequals(r.header_or_empty("BITS-Packet-Type"), "Ack")) << r;
  EXPECT_EQ(received_range(r), 0U) << r;
  EXPECT_FALSE(r.has("BITS-Error-Code")) << r;
  // The client shrinks its fragments and goes on (on a new connection: the server may
  // have closed this one instead of draining the body).
  auto next = connect();
  ASSERT_TRUE(is_fragment_ack(
      next.send_fragment("/up/f.bin", id, 0, 5119, 8000, data.substr(0, 5120)), 5120));
  ASSERT_TRUE(is_fragment_ack(
      next.send_fragment("/up/f.bin", id, 5120, 7999, 8000, data.substr(5120)), 8000));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Fragments, ContentLengthMustMatchRange) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  auto const r = client.bits_post("/f.bin", "Fragment",
                                  {{"BITS-Session-Id", id}, {"Content-Range", "bytes 0-9/20"}},
                                  "0123456789ab");
  EXPECT_TRUE(is_error_ack(r, 400, e_invalidarg));
  auto again = connect();
  EXPECT_TRUE(is_fragment_ack(again.send_fragment("/f.bin", id, 0, 9, 20, "0123456789"), 10));
}

TEST_F(Fragments, MalformedOrMissingContentRangeIsInvalid) {
  ASSERT_TRUE(start_cli());
  std::string const body = "0123456789";
  std::vector<std::string> const ranges = {
      "bytes 0-9",
      "bytes 0-9/",
      "bytes=0-9/20",
      "items 0-9/20",
      "0-9/20",
      "bytes 9-0/20",
      "bytes 0-9/5",
      "bytes 0-9/*",
      "bytes */20",
      "bytes a-9/20",
      "bytes -0-9/20",
      "bytes +0-9/20",
      "bytes 0-9/20/30",
      "bytes 0x0-0x9/20",
      "bytes 0-99999999999999999999999/20",
      "",
  };
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  for (auto const& range : ranges) {
    auto c = connect();
    auto const r = c.bits_post("/f.bin", "Fragment",
                               {{"BITS-Session-Id", id}, {"Content-Range", range}}, body);
    EXPECT_TRUE(is_error_ack(r, 400, e_invalidarg)) << "Content-Range: '" << range << "'";
  }
  auto c = connect();
  auto const missing = c.bits_post("/f.bin", "Fragment", {{"BITS-Session-Id", id}}, body);
  EXPECT_TRUE(is_error_ack(missing, 400, e_invalidarg)) << "no Content-Range";
  // Nothing of the above was taken.
  EXPECT_TRUE(is_fragment_ack(c.send_fragment("/f.bin", id, 0, 9, 10, body), 10));
}

TEST_F(Fragments, OnlyIdentityContentEncoding) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  header_list headers = {{"BITS-Session-Id", id}, {"Content-Range", "bytes 0-4/10"}};
  auto gzip = headers;
  gzip.emplace_back("Content-Encoding", "gzip");
  EXPECT_TRUE(
      is_error_ack(client.bits_post("/f.bin", "Fragment", gzip, "01234"), 400, e_invalidarg));
  auto identity = headers;
  identity.emplace_back("Content-Encoding", "identity");
  auto c = connect();
  EXPECT_TRUE(is_fragment_ack(c.bits_post("/f.bin", "Fragment", identity, "01234"), 5));
}

TEST_F(Fragments, MissingMalformedOrUnknownSessionId) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  header_list const range = {{"Content-Range", "bytes 0-4/5"}};
  EXPECT_TRUE(
      is_error_ack(client.bits_post("/f.bin", "Fragment", range, "01234"), 400, e_invalidarg));
  for (std::string const bad : {"12345", "{not-a-guid}", "{7DF0354D-249B-430F-820D-3D2A9BEF49}"}) {
    auto c = connect();
    auto headers = range;
    headers.emplace_back("BITS-Session-Id", bad);
    EXPECT_TRUE(
        is_error_ack(c.bits_post("/f.bin", "Fragment", headers, "01234"), 400, e_invalidarg))
        << "BITS-Session-Id: " << bad;
  }
  auto c = connect();
  auto const r =
      c.send_fragment("/f.bin", "{5A1E0C6B-3D2F-4E8A-9B7C-1D2E3F4A5B6C}", 0, 4, 5, "01234");
  EXPECT_TRUE(is_error_ack(r, 500, bg_e_session_not_found));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
}

TEST_F(Fragments, ZeroByteFileThroughEmptyFragment) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  for (std::string const range : {"bytes */0", "bytes 0--1/0"}) {
    std::string const name = range == "bytes */0" ? "/star.bin" : "/minus.bin";
    std::string const id = client.create_session(name);
    auto const r =
        client.bits_post(name, "Fragment", {{"BITS-Session-Id", id}, {"Content-Range", range}});
    EXPECT_TRUE(is_fragment_ack(r, 0)) << "Content-Range: " << range;
    EXPECT_TRUE(std::filesystem::is_regular_file(root() / name.substr(1))) << range;
    EXPECT_EQ(std::filesystem::file_size(root() / name.substr(1)), 0U) << range;
    EXPECT_TRUE(is_ack(client.close_session(name, id), 200));
  }
}

TEST_F(Fragments, ZeroByteFileThroughCloseWithoutFragments) {
  ASSERT_TRUE(start_cli());
  auto client = connect();
  std::string const id = client.create_session("/empty.bin");
  EXPECT_FALSE(std::filesystem::exists(root() / "empty.bin"));
  EXPECT_TRUE(is_ack(client.close_session("/empty.bin", id), 200));
  EXPECT_TRUE(std::filesystem::is_regular_file(root() / "empty.bin"));
  EXPECT_EQ(std::filesystem::file_size(root() / "empty.bin"), 0U);
}

/// Uploads of a given size, in fragments of a given size, compared by SHA-256.
struct size_case {
  std::size_t size;
  std::size_t fragment;
};

void PrintTo(size_case const& c, std::ostream* os) {
  *os << c.size << " bytes in fragments of " << c.fragment;
}

class FragmentSizes : public daemon_test, public ::testing::WithParamInterface<size_case> {};

TEST_P(FragmentSizes, StoredFileMatchesSource) {
  ASSERT_TRUE(start_cli());
  auto const [size, fragment] = GetParam();
  std::string const data = random_bytes(size, size + 11);
  auto client = connect();
  std::string id;
  if (size == 0) {
    id = client.create_session("/f.bin");
    ASSERT_TRUE(is_ack(client.close_session("/f.bin", id), 200));
  } else {
    id = upload(client, "/f.bin", data, fragment);
    ASSERT_FALSE(id.empty());
    EXPECT_TRUE(is_ack(client.close_session("/f.bin", id), 200));
  }
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
  EXPECT_TRUE(spool_session_dirs().empty());
}

INSTANTIATE_TEST_SUITE_P(Sizes, FragmentSizes,
                         ::testing::Values(size_case{0, 64 * kib}, size_case{1, 64 * kib},
                                           size_case{64 * kib - 1, 64 * kib},
                                           size_case{64 * kib, 64 * kib},
                                           size_case{64 * kib + 1, 64 * kib},
                                           size_case{40 * mib + 12345, mib}),
                         [](auto const& p) { return "Bytes" + std::to_string(p.param.size); });

// A whole file in one Fragment whose body is cut off leaves nothing behind (it was going
// to an unnamed file): the session reports 0 bytes, and the resent Fragment commits it,
// within a spool budget of exactly one file (the first try's reservation is reused).
TEST_F(Fragments, WholeFileCutMidBodyIsResentWhole) {
  auto options = up_options();
  options.vdirs[0].set("max_spool_bytes", 64 * kib);
  ASSERT_TRUE(start_config(options));
  std::string const data = random_bytes(64 * kib, 90);
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/up/cut.bin");
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(client.send(
        bits_post_head("/up/cut.bin", "Fragment",
                       {{"BITS-Session-Id", id},
                        {"Content-Range", content_range(0, data.size() - 1, data.size())}},
                       static_cast<long long>(data.size()))));
    ASSERT_TRUE(client.send(std::string_view(data).substr(0, data.size() / 2)));
  }
  auto client = connect();
  auto const resent = retry_while_busy([&] {
    return client.send_fragment("/up/cut.bin", id, 0, data.size() - 1, data.size(), data);
  });
  EXPECT_TRUE(is_fragment_ack(resent, data.size())) << resent;
  EXPECT_EQ(sha256_file_hex(root() / "cut.bin"), sha256_hex(data));
  EXPECT_TRUE(is_ack(client.close_session("/up/cut.bin", id), 200));
  EXPECT_TRUE(spool_session_dirs().empty());
}

}  // namespace
}  // namespace bits::test
