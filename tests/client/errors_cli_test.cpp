// Permanent failures stop at once with a one-line message naming the BITS error and a
// documented exit code; transient ones are retried until --retry-for.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

#include <regex>

namespace bits::test {
namespace {

class ErrorsCli : public client_test {
 protected:
  std::filesystem::path state() const { return tmp() / "job.json"; }
  cli_result upload(std::string const& name, std::size_t size,
                    std::vector<std::string> extra = {}) {
    auto const file = random_file("source.bin", size, size);
    std::vector<std::string> args = {"upload", file.string(), url(name), "--state",
                                     state().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return openbits(args);
  }
  /// The last stderr line.
  static std::string last_line(std::string const& err) {
    auto end = err.find_last_not_of('\n');
    if (end == std::string::npos) return {};
    auto start = err.rfind('\n', end);
    return err.substr(start == std::string::npos ? 0 : start + 1,
                      end - (start == std::string::npos ? 0 : start + 1) + 1);
  }
};

TEST_F(ErrorsCli, TooLargeIsExit4WithTheBitsErrorNamed) {
  vdir_options v;
  v.set("max_upload_size", 1000);
  ASSERT_TRUE(start(v));
  auto const r = upload("big.bin", 2000, {"--json"});
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_EQ(last_line(r.err),
            "openbits: upload failed: BG_E_TOO_LARGE (0x80200020), context 0x5, HTTP 500, "
            "Fragment bytes 0-1999/2000")
      << r.err;
  EXPECT_EQ(r.json["error"]["name"], "BG_E_TOO_LARGE");
  EXPECT_EQ(r.json["error"]["hresult"], "0x80200020");
  EXPECT_EQ(r.json["error"]["http_status"], 500);
  EXPECT_EQ(r.json["retries"], 0) << "no retry for a permanent error";
  EXPECT_FALSE(std::filesystem::exists(state()));
  EXPECT_EQ(spool_sessions(), 0u) << "the failed session was cancelled";
}

TEST_F(ErrorsCli, ExistingDestinationIsAccessDenied) {
  ASSERT_TRUE(start());
  ASSERT_TRUE(write_file(root() / "taken.bin", "already here"));
  auto const r = upload("taken.bin", 10);
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_TRUE(std::regex_search(
      r.err,
      std::regex(
          R"(openbits: upload failed: E_ACCESSDENIED \(0x80070005\), context 0x5, HTTP 403, Create-Session)")))
      << r.err;
  EXPECT_EQ(read_file(root() / "taken.bin"), "already here");
}

TEST_F(ErrorsCli, MissingParentDirectoryIsExit4) {
  ASSERT_TRUE(start());
  auto const r = upload("no/such/dir/f.bin", 10);
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_NE(r.err.find("HTTP 404"), std::string::npos) << r.err;
}

TEST_F(ErrorsCli, UploadsDisabledIsExit4) {
  vdir_options v;
  v.set("upload_enabled", false);
  ASSERT_TRUE(start(v));
  auto const r = upload("f.bin", 10);
  EXPECT_EQ(r.code(), 4) << r.describe();
  EXPECT_NE(r.err.find("E_ACCESSDENIED (0x80070005), context 0x5, HTTP 501, Ping"),
            std::string::npos)
      << r.err;
}

TEST_F(ErrorsCli, UnreachableServerIsRetriedThenExit5) {
  ASSERT_TRUE(start());
  (void)server().stop();
  auto const begin = std::chrono::steady_clock::now();
  auto const r = upload("f.bin", 10, {"--retry-for", "2s", "--retry-delay", "200ms", "--json"});
  auto const took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(r.code(), 5) << r.describe();
  EXPECT_GE(took, std::chrono::milliseconds(1900));
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_GE(r.json["retries"].get<int>(), 3);
  EXPECT_NE(last_line(r.err).find("Couldn't connect to server (curl 7), Ping; gave up after"),
            std::string::npos)
      << r.err;
}

TEST_F(ErrorsCli, LocalProblemsAndUsageErrors) {
  ASSERT_TRUE(start());
  auto missing = openbits(
      {"upload", (tmp() / "missing.bin").string(), url("m.bin"), "--state", state().string()});
  EXPECT_EQ(missing.code(), 3) << missing.describe();
  EXPECT_NE(missing.err.find("missing.bin: No such file or directory"), std::string::npos)
      << missing.err;
  auto const file = random_file("f.bin", 10, 1);
  EXPECT_EQ(
      openbits({"upload", file.string(), "127.0.0.1/up/x", "--state", state().string()}).code(), 2);
  EXPECT_EQ(openbits({"upload", file.string()}).code(), 2);
  EXPECT_EQ(openbits({"upload", file.string(), url("x"), "--retry-for", "soon"}).code(), 2);
  EXPECT_EQ(openbits({"upload", file.string(), url("x"), "--fragment-size", "1K"}).code(), 2);
  EXPECT_EQ(openbits({"frobnicate"}).code(), 2);
  auto const help = openbits({"--help"});
  EXPECT_EQ(help.code(), 0);
  EXPECT_NE(help.out.find("Exit codes:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("130  interrupted"), std::string::npos);
}

TEST_F(ErrorsCli, VersionPrintsTheProjectVersion) {
  auto const version = openbits({"--version"});
  EXPECT_EQ(version.code(), 0) << version.describe();
  EXPECT_EQ(version.out, "openbits " BITS_VERSION "\n") << version.describe();
}

TEST_F(ErrorsCli, TlsToAPlainHttpServerFails) {
  ASSERT_TRUE(start());
  auto const r = openbits(
      {"ping", "https://127.0.0.1:" + std::to_string(port()) + "/up/", "--connect-timeout", "2s"});
  EXPECT_NE(r.code(), 0) << r.describe();
  EXPECT_NE(r.code(), 4);
}

}  // namespace
}  // namespace bits::test
