// log_format = "json" as a log shipper reads it: every line the daemon writes is one
// JSON object with time and level; request lines carry the fields of the text line
// (remote, method, target, packet, session, status, error, cause, bytes, ms), other
// events a msg.
#include "integration/fixture.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace bits::test {
namespace {

class LogFormat : public daemon_test {
 protected:
  /// Every line of the log, parsed; a line that is not a JSON object fails the test.
  std::vector<nlohmann::json> json_lines() {
    std::vector<nlohmann::json> out;
    std::istringstream log(server().log());
    for (std::string line; std::getline(log, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      EXPECT_TRUE(j.is_object()) << "not a JSON object: " << line;
      if (j.is_object()) out.push_back(std::move(j));
    }
    return out;
  }
};

TEST_F(LogFormat, JsonWritesOneObjectPerLineWithTheFieldsOfTheTextLine) {
  auto options = up_options();
  options.server.set("log_format", "json");
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  auto const id = client.create_session("/up/a.bin");
  ASSERT_FALSE(id.empty());
  std::string const data = "hello";
  ASSERT_EQ(client.send_fragment("/up/a.bin", id, 0, data.size() - 1, data.size(), data).status,
            200);
  ASSERT_EQ(client.close_session("/up/a.bin", id).status, 200);
  // A failure with a BITS error code: a Fragment for a session that does not exist.
  ASSERT_NE(client
                .send_fragment("/up/b.bin", "{00000000-0000-0000-0000-000000000001}", 0,
                               data.size() - 1, data.size(), data)
                .status,
            200);
  // A name with a quote and a backslash: still one valid object.
  ASSERT_NE(client.ping("/up/\"q\\\"").status, 0);
  server().stop();

  auto const lines = json_lines();
  ASSERT_GE(lines.size(), 6u) << server().log();
  bool saw_vdir = false, saw_fragment = false, saw_error = false, saw_quote = false;
  for (auto const& j : lines) {
    ASSERT_TRUE(j.contains("time") && j["time"].is_string()) << j;
    ASSERT_TRUE(j.contains("level") && j["level"].is_string()) << j;
    EXPECT_EQ(j["time"].get<std::string>().size(), 23u) << j;  // 2026-11-24T22:07:07.610
    if (j.contains("msg")) {
      if (j["msg"].get<std::string>().starts_with("vdir /up/ -> ")) saw_vdir = true;
      continue;
    }
    // A request line.
    EXPECT_EQ(j["level"], "info") << j;
    EXPECT_TRUE(j["remote"].get<std::string>().starts_with("127.0.0.1:")) << j;
    EXPECT_EQ(j["method"], "BITS_POST") << j;
    EXPECT_TRUE(j["status"].is_number_unsigned()) << j;
    EXPECT_TRUE(j["bytes"].is_number_unsigned()) << j;
    EXPECT_TRUE(j["ms"].is_number()) << j;
    if (j["packet"] == "Fragment" && j["target"] == "/up/a.bin") {
      saw_fragment = true;
      EXPECT_EQ(j["status"], 200) << j;
      EXPECT_EQ(j["bytes"], data.size()) << j;
      EXPECT_TRUE(j["session"].get<std::string>().starts_with(id.substr(0, 9))) << j;
      EXPECT_FALSE(j.contains("error")) << j;
    }
    if (j["target"] == "/up/b.bin") {
      saw_error = true;
      EXPECT_TRUE(j.contains("error") && j["error"].get<std::string>().starts_with("0x")) << j;
    }
    if (j["target"] == "/up/\"q\\\"") saw_quote = true;
  }
  EXPECT_TRUE(saw_vdir) << server().log();
  EXPECT_TRUE(saw_fragment) << server().log();
  EXPECT_TRUE(saw_error) << server().log();
  EXPECT_TRUE(saw_quote) << server().log();
}

TEST_F(LogFormat, TextIsTheDefault) {
  ASSERT_TRUE(start_config(up_options()));
  auto client = connect();
  ASSERT_EQ(client.ping("/up/").status, 200);
  server().stop();
  EXPECT_NE(server().log().find(" info 127.0.0.1:"), std::string::npos) << server().log();
  EXPECT_EQ(server().log().find("{\"time\""), std::string::npos) << server().log();
}

}  // namespace
}  // namespace bits::test
