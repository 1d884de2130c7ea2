// daemon_test and the Ack checks.
#include "integration/fixture.hpp"

#include "support/spool.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iostream>

namespace bits::test {

std::string openbitsd_path() {
  return OPENBITSD_PATH;
}

namespace {

::testing::AssertionResult check_ack_shape(http_response const& r, int status) {
  if (!r.ok()) return ::testing::AssertionFailure() << "no response: " << r.describe();
  if (r.status != status) {
    return ::testing::AssertionFailure() << "status " << r.status << ", expected " << status << "\n"
                                         << r.describe();
  }
  if (!iequals(r.header_or_empty("BITS-Packet-Type"), "Ack")) {
    return ::testing::AssertionFailure() << "BITS-Packet-Type is not Ack\n" << r.describe();
  }
  if (r.header_or_empty("Content-Length") != "0" || !r.body.empty()) {
    return ::testing::AssertionFailure() << "Ack must have Content-Length: 0 and no body\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult is_ack(http_response const& r, int status) {
  auto shape = check_ack_shape(r, status);
  if (!shape) return shape;
  if (r.has("BITS-Error-Code") || r.has("BITS-Error-Context")) {
    return ::testing::AssertionFailure() << "unexpected error headers\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_error_ack(http_response const& r, int status, std::string_view code) {
  auto shape = check_ack_shape(r, status);
  if (!shape) return shape;
  if (r.header_or_empty("BITS-Error-Code") != code) {
    return ::testing::AssertionFailure()
           << "BITS-Error-Code is '" << r.header_or_empty("BITS-Error-Code") << "', expected '"
           << code << "'\n"
           << r.describe();
  }
  if (r.header_or_empty("BITS-Error-Context") != "0x5") {
    return ::testing::AssertionFailure() << "BITS-Error-Context is not 0x5\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

std::optional<std::uint64_t> received_range(http_response const& r) {
  auto const text = r.header("BITS-Received-Content-Range");
  if (!text || text->empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || ptr != text->data() + text->size()) return std::nullopt;
  return value;
}

::testing::AssertionResult is_fragment_ack(http_response const& r, std::uint64_t next) {
  auto ack = is_ack(r, 200);
  if (!ack) return ack;
  auto const got = received_range(r);
  if (got != next) {
    return ::testing::AssertionFailure()
           << "BITS-Received-Content-Range is '" << r.header_or_empty("BITS-Received-Content-Range")
           << "', expected " << next << "\n"
           << r.describe();
  }
  return ::testing::AssertionSuccess();
}

bool is_upper_guid(std::string_view text) {
  if (text.size() != 38 || text.front() != '{' || text.back() != '}') return false;
  for (std::size_t i = 1; i < 37; ++i) {
    char const c = text[i];
    bool const dash = i == 9 || i == 14 || i == 19 || i == 24;
    if (dash ? c != '-'
             : !(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

daemon_test::daemon_test() {
  std::filesystem::create_directory(root());
}

void daemon_test::TearDown() {
  if (daemon_ && HasFailure()) {
    std::cerr << "---- openbitsd log (" << daemon_->log_path().string() << ", tail) ----\n"
              << daemon_->log_tail(80) << "---- end of log ----\n";
  }
  daemon_.reset();
}

::testing::AssertionResult daemon_test::launch(std::vector<std::string> args) {
  daemon_ = std::make_unique<bits::test::daemon>(openbitsd_path(), std::move(args), tmp());
  daemon_->set_env(env_);
  if (daemon_->start()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "openbitsd did not start: " << daemon_->last_error() << "\n"
         << daemon_->log_tail(40);
}

::testing::AssertionResult daemon_test::start_cli(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--root", root().string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return launch(std::move(args));
}

::testing::AssertionResult daemon_test::start_config(daemon_options const& options) {
  auto const file = tmp() / "openbitsd.toml";
  if (!write_config(file, options)) return ::testing::AssertionFailure() << "cannot write config";
  ping_path_ = options.vdirs.empty() ? "/" : options.vdirs.front().url;
  return launch({"--config", file.string()});
}

daemon_options daemon_test::up_options() const {
  daemon_options options;
  vdir_options vdir;
  vdir.url = "/up/";
  vdir.root = root();
  options.vdirs.push_back(vdir);
  return options;
}

void daemon_test::set_env(std::vector<std::string> env) {
  env_ = std::move(env);
  if (daemon_) daemon_->set_env(env_);
}

::testing::AssertionResult daemon_test::restart() {
  if (!daemon_) return ::testing::AssertionFailure() << "no daemon to restart";
  if (daemon_->start()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "openbitsd did not restart: " << daemon_->last_error();
}

raw_client daemon_test::connect() const {
  return raw_client(daemon_ ? daemon_->port() : std::uint16_t{0});
}

::testing::AssertionResult daemon_test::still_serving() const {
  auto client = connect();
  auto const r = client.ping(ping_path_);
  if (r.status == 200) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "Ping on a new connection failed: " << r.describe();
}

std::string daemon_test::upload(raw_client& client, std::string_view url, std::string_view data,
                                std::size_t fragment) {
  std::string const id = client.create_session(url);
  if (id.empty()) return {};
  std::uint64_t const total = data.size();
  for (std::uint64_t first = 0; first < total; first += fragment) {
    std::uint64_t const last = std::min<std::uint64_t>(first + fragment, total) - 1;
    auto const r =
        client.send_fragment(url, id, first, last, total, data.substr(first, last - first + 1));
    auto const ok = is_fragment_ack(r, last + 1);
    if (!ok) {
      ADD_FAILURE() << "fragment " << first << "-" << last << "/" << total << ": " << ok.message();
      return {};
    }
  }
  return id;
}

std::vector<std::string> daemon_test::spool_session_dirs() const {
  return spool_session_folders(spool());
}

}  // namespace bits::test
