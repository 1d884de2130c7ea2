// client_test: the daemon's config and openbits runs.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

#include <sstream>
#include <thread>

namespace bits::test {

std::string openbits_path() {
  return OPENBITS_PATH;
}

std::string cli_result::describe() const {
  return "openbits " + status.describe() + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
}

nlohmann::json last_json_line(std::string const& out) {
  std::istringstream lines(out);
  std::string line;
  nlohmann::json found;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) found = std::move(j);
  }
  return found;
}

client_test::client_test() {
  std::filesystem::create_directories(tmp() / "state");
}

::testing::AssertionResult client_test::start(vdir_options vdir, server_options server) {
  vdir.url = "/up/";
  vdir.root = root();
  daemon_options options;
  options.vdirs = {vdir};
  options.server = server;
  return start_config(options);
}

std::string client_test::url(std::string const& name) const {
  return "http://127.0.0.1:" + std::to_string(port()) + "/up/" + name;
}

cli_result client_test::openbits(std::vector<std::string> const& args, std::chrono::seconds timeout,
                                 std::map<std::string, std::string> env) {
  static int runs = 0;
  auto child = spawn(args, "run" + std::to_string(++runs), std::move(env));
  cli_result r;
  r.status = child->wait(timeout);
  r.out = child->out();
  r.err = child->err();
  r.json = last_json_line(r.out);
  return r;
}

std::unique_ptr<child_process> client_test::spawn(std::vector<std::string> const& args,
                                                  std::string const& name,
                                                  std::map<std::string, std::string> env) {
  // A private state directory: nothing of the tests lands in the user's ~/.local/state.
  env.emplace("XDG_STATE_HOME", (tmp() / "state").string());
  return std::make_unique<child_process>(openbits_path(), args, tmp() / (name + ".out"),
                                         tmp() / (name + ".err"), env);
}

nlohmann::json client_test::wait_for_offset(std::filesystem::path const& state, std::uint64_t above,
                                            std::chrono::seconds limit) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto j = nlohmann::json::parse(read_file(state), nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("offset") &&
        j["offset"].is_number_unsigned() && j["offset"].get<std::uint64_t>() > above) {
      return j;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return nullptr;
}

std::filesystem::path client_test::random_file(std::string const& name, std::size_t size,
                                               std::uint64_t seed) {
  auto const p = tmp() / name;
  EXPECT_TRUE(write_file(p, random_bytes(size, seed)));
  return p;
}

}  // namespace bits::test
