// Shared fixture of the job tests: a temp directory, the fake server and clock, and
// hooks that record progress and events.
#pragma once

#include "client/job.hpp"
#include "client/upload_job.hpp"
#include "support/digest.hpp"
#include "support/temp_dir.hpp"
#include "unit/client/fake_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

namespace bits::client::test {

class job_test : public ::testing::Test {
 protected:
  job_test() {
    hooks.on_progress = [this](progress_info const& p) { progress.push_back(p); };
    hooks.on_event = [this](std::string_view line) { events.emplace_back(line); };
    hooks.stop = stop.get_token();
    hooks.time = &clk;
    hooks.seed = 42;
  }

  /// Writes `data` to tmp/`name` and returns the path.
  std::filesystem::path make_file(std::string const& data, std::string const& name = "a.bin") {
    auto const p = tmp / name;
    EXPECT_TRUE(bits::test::write_file(p, data));
    return p;
  }

  /// Upload of `file` to `url` with a state file in tmp, 1 s first retry delay, 5 min budget.
  upload_options upload(std::filesystem::path const& file) const {
    upload_options o;
    o.file = file;
    o.url = url;
    o.state_path = tmp / "state.json";
    o.retry = {std::chrono::minutes(5), std::chrono::seconds(1), std::chrono::seconds(30)};
    return o;
  }

  upload_result run(upload_options const& o) { return run_upload(server, o, hooks); }

  /// All events joined by newlines (for failure messages).
  std::string event_text() const {
    std::string out;
    for (auto const& e : events) out += e + "\n";
    return out;
  }

  bits::test::temp_dir tmp;
  fake_server server;
  fake_clock clk;
  std::stop_source stop;
  job_hooks hooks;
  std::vector<progress_info> progress;
  std::vector<std::string> events;
  std::string url = "http://files.test:8080/up/a.bin";
};

}  // namespace bits::client::test
