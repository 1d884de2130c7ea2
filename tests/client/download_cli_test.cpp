// `openbits download` against openbitsd's GET/HEAD with ranges (reference 10).
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

class DownloadCli : public client_test {};

TEST_F(DownloadCli, DownloadsAndResumesAfterTheFileWasTruncated) {
  ASSERT_TRUE(start());
  std::string const data = random_bytes(5 << 20, 1);
  ASSERT_TRUE(write_file(root() / "pub.bin", data));
  auto const out = tmp() / "out.bin";
  auto const state = tmp() / "dl.json";
  auto const first =
      openbits({"download", url("pub.bin"), out.string(), "--json", "--state", state.string()});
  ASSERT_EQ(first.code(), 0) << first.describe();
  EXPECT_EQ(sha256_file_hex(out), sha256_hex(data));
  EXPECT_EQ(first.json["bytes"], data.size());

  std::filesystem::resize_file(out, 1'234'567);
  auto const second =
      openbits({"download", url("pub.bin"), out.string(), "--json", "--state", state.string()});
  ASSERT_EQ(second.code(), 0) << second.describe();
  EXPECT_EQ(second.json["resumed_from"], 1'234'567);
  EXPECT_EQ(second.json["bytes_received"], data.size() - 1'234'567);
  EXPECT_EQ(sha256_file_hex(out), sha256_hex(data));
  EXPECT_FALSE(std::filesystem::exists(state));
}

TEST_F(DownloadCli, EmptyFile) {
  ASSERT_TRUE(start());
  ASSERT_TRUE(write_file(root() / "empty", ""));
  auto const out = tmp() / "e";
  auto const r =
      openbits({"download", url("empty"), out.string(), "--state", (tmp() / "s").string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_EQ(std::filesystem::file_size(out), 0u);
}

TEST_F(DownloadCli, MissingRemoteFileIsExit4) {
  ASSERT_TRUE(start());
  auto const r = openbits(
      {"download", url("nothing"), (tmp() / "o").string(), "--state", (tmp() / "s").string()});
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_NE(r.err.find("BG_E_HTTP_ERROR_404 (0x80190194), HTTP 404, HEAD"), std::string::npos)
      << r.err;
}

TEST_F(DownloadCli, UploadedFileDownloadsBack) {
  ASSERT_TRUE(start());
  auto const file = random_file("rt.bin", 777'777, 2);
  ASSERT_EQ(
      openbits({"upload", file.string(), url("rt.bin"), "-q", "--state", (tmp() / "u").string()})
          .code(),
      0);
  auto const out = tmp() / "back.bin";
  auto const r =
      openbits({"download", url("rt.bin"), out.string(), "-q", "--state", (tmp() / "d").string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(sha256_file_hex(out), sha256_file_hex(file));
}

}  // namespace
}  // namespace bits::test
