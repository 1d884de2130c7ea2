// The /status page as a browser runs it: Debian's chromium, headless, loads the page
// from the real openbitsd, lets its script fetch /status.json, and the DOM it dumps
// must show the known uploads. Skipped (saying why) where chromium is not installed.
#include "admin/admin_fixture.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace bits::test {
namespace {

constexpr char const* chromium = "/usr/bin/chromium";

/// The DOM of `url` after its scripts ran for up to `budget_ms` of virtual time.
run_result dump_dom(std::string const& url, std::filesystem::path const& profile) {
  return run_to_exit(
      chromium,
      {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
       "--user-data-dir=" + profile.string(), "--virtual-time-budget=4000", "--dump-dom", url},
      std::chrono::seconds(60));
}

TEST_F(admin_test, StatusPageInHeadlessChromiumShowsSessionsCommitsAndErrors) {
  if (::access(chromium, X_OK) != 0) {
    GTEST_SKIP() << chromium << " is not installed (apt-get install chromium; "
                 << "scripts/install-deps.sh installs it)";
  }
  ASSERT_TRUE(start_config(admin_options()));
  ASSERT_TRUE(upload_file("/up/finished-report.pdf", std::string(2048, 'f'), 1024));
  auto client = connect();
  auto const id = client.create_session("/up/half-done.iso");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/up/half-done.iso", id, 0, 499, 1000, std::string(500, 'h')), 500));
  auto const refused =
      client.close_session("/up/none.bin", "{00000000-0000-0000-0000-0000000000AA}");
  ASSERT_GE(refused.status, 400);

  auto const url = "http://127.0.0.1:" + std::to_string(admin_port()) + "/status";
  auto const run = dump_dom(url, tmp() / "chromium");
  ASSERT_TRUE(run.status.exited && run.status.code == 0) << run.status.describe() << run.output;
  auto const& dom = run.output;
  // The open session: a row with its destination, client address and a half-full bar.
  auto const row = dom.find("<tr class=\"session\"");
  ASSERT_NE(row, std::string::npos) << dom;
  auto const row_end = dom.find("</tr>", row);
  auto const session_row = dom.substr(row, row_end - row);
  EXPECT_NE(session_row.find("half-done.iso"), std::string::npos) << session_row;
  EXPECT_NE(session_row.find("127.0.0.1:"), std::string::npos) << session_row;
  EXPECT_NE(session_row.find("aria-valuenow=\"50.0\""), std::string::npos) << session_row;
  EXPECT_NE(session_row.find("500 B / 1000 B"), std::string::npos) << session_row;
  EXPECT_NE(dom.find("data-url=\"/up/\""), std::string::npos);
  // The committed file and the error of the last hour.
  auto const commit = dom.find("<tr class=\"commit\"");
  ASSERT_NE(commit, std::string::npos) << dom;
  EXPECT_NE(dom.find("finished-report.pdf", commit), std::string::npos);
  EXPECT_NE(dom.find("2.0 KiB", commit), std::string::npos);
  auto const error = dom.find("<tr class=\"err\"");
  ASSERT_NE(error, std::string::npos) << dom;
  EXPECT_NE(dom.find(refused.header_or_empty("BITS-Error-Code"), error), std::string::npos);
  EXPECT_NE(dom.find("id=\"error-count\">1<"), std::string::npos);
  // The script reached the server: the state says when, not that it failed.
  EXPECT_NE(dom.find("id=\"state\" class=\"\">updated"), std::string::npos) << dom;
}

}  // namespace
}  // namespace bits::test
