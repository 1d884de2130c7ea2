// Progress text for logs and terminals, and the rate estimate.
#include "client/progress.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace bits::client {
namespace {

progress_info at(std::uint64_t done, std::uint64_t total, job_phase p = job_phase::uploading) {
  progress_info i;
  i.phase = p;
  i.bytes_done = done;
  i.bytes_total = total;
  return i;
}

TEST(Progress, LogLineFormat) {
  EXPECT_EQ(format_progress_line("upload", at(471859200, 1048576000), 120.0 * 1048576, 5),
            "openbits: upload  45% 471859200/1048576000 bytes, 120 MiB/s, ETA 5s");
  EXPECT_EQ(format_progress_line("upload", at(10, 10, job_phase::closing), 0, 0),
            "openbits: upload 100% 10/10 bytes, 0 B/s, ETA 0s (closing)");
  EXPECT_EQ(format_progress_line("download", at(0, 100), 0, -1),
            "openbits: download   0% 0/100 bytes, 0 B/s, ETA --");
}

TEST(Progress, LogLineWhileWaiting) {
  auto i = at(5, 10, job_phase::waiting);
  i.retries = 3;
  i.retry_in = std::chrono::milliseconds(2000);
  i.last_error = "Couldn't connect to server (curl 7), Fragment bytes 5-9/10";
  EXPECT_EQ(format_progress_line("upload", i, 0, -1),
            "openbits: upload waiting to retry in 2s (retry 3): Couldn't connect to server "
            "(curl 7), Fragment bytes 5-9/10");
}

TEST(Progress, BarFitsTheWidthAndShowsPercentRateEta) {
  auto const bar = format_progress_bar(at(50, 100), 2048, 3, 80);
  EXPECT_LE(bar.size(), 80u);
  EXPECT_TRUE(std::regex_match(bar, std::regex(R"(\[=+>? *\]  50% 50 B/100 B 2\.00 KiB/s ETA 3s)")))
      << bar;
  EXPECT_LE(format_progress_bar(at(50, 100), 2048, 3, 30).size(), 30u);
}

TEST(Progress, PercentOfEmptyFile) {
  EXPECT_EQ(percent(at(0, 0)), 0);
  EXPECT_EQ(percent(at(0, 0, job_phase::done)), 100);
}

TEST(Progress, RateOverTheWindow) {
  rate_meter m(std::chrono::seconds(5));
  clock::time_point t{};
  EXPECT_EQ(m.rate(), 0);
  for (int i = 0; i <= 10; ++i)
    m.add(t + std::chrono::seconds(i), static_cast<std::uint64_t>(i) * 1000);
  EXPECT_NEAR(m.rate(), 1000, 1);
  EXPECT_NEAR(m.eta(20'000), 10, 0.1);
  m.add(t + std::chrono::seconds(11), 0);  // restarted from zero
  EXPECT_EQ(m.rate(), 0);
}

}  // namespace
}  // namespace bits::client
