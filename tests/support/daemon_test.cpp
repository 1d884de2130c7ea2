// daemon_test: the daemon's lifecycle, connections, uploads and the spool.
#include "support/daemon_test.hpp"

#include "support/digest.hpp"
#include "support/spool.hpp"

#include <algorithm>
#include <iostream>
#include <thread>

namespace bits::test {

std::string openbitsd_path() {
  return OPENBITSD_PATH;
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

::testing::AssertionResult daemon_test::launch(std::vector<std::string> args, std::string name) {
  daemon_ = std::make_unique<bits::test::daemon>(openbitsd_path(), std::move(args), tmp(),
                                                 std::move(name));
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
  return start_toml(to_toml(options), options.vdirs.empty() ? "/" : options.vdirs.front().url);
}

::testing::AssertionResult daemon_test::start_toml(std::string const& toml, std::string ping_path) {
  auto const file = tmp() / "openbitsd.toml";
  if (!write_file(file, toml)) return ::testing::AssertionFailure() << "cannot write " << file;
  ping_path_ = std::move(ping_path);
  auto started = launch({"--config", file.string()});
  if (!started) started << "\n---- " << file.string() << " ----\n" << toml;
  return started;
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

::testing::AssertionResult daemon_test::restart_on_same_port() {
  if (!daemon_) return ::testing::AssertionFailure() << "no daemon to restart";
  if (daemon_->running()) (void)daemon_->kill9();
  std::uint16_t const same = daemon_->port();
  // --listen replaces the listeners of a config file; of the command line's own, only
  // this one is kept.
  std::vector<std::string> args;
  auto const& old = daemon_->args();
  for (std::size_t i = 0; i < old.size(); ++i) {
    if (old[i] == "--listen" && i + 1 < old.size()) {
      ++i;
      continue;
    }
    args.push_back(old[i]);
  }
  args.insert(args.end(), {"--listen", "127.0.0.1:" + std::to_string(same)});
  // The port was ours a moment ago; the kernel may still hold it briefly.
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto started = launch(args, "openbitsd-" + std::to_string(++launches_));
    if (started) return started;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ::testing::AssertionFailure() << "could not restart openbitsd on port " << same;
}

std::string daemon_test::host() const {
  return port_in_host_ ? "127.0.0.1:" + std::to_string(port()) : "127.0.0.1";
}

raw_client daemon_test::connect() const {
  raw_client client(port(), client_timeout_);
  client.set_host(host());
  return client;
}

::testing::AssertionResult daemon_test::still_serving() const {
  auto client = connect();
  auto const r = client.ping(ping_path_);
  if (r.status == 200) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "Ping on a new connection failed: " << r.describe();
}

http_response daemon_test::get(std::string_view target, header_list const& extra,
                               std::string_view method) const {
  raw_client c(port(), std::chrono::seconds(5));
  std::string bytes =
      std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: " + host() + "\r\n";
  for (auto const& [name, value] : extra) bytes += name + ": " + value + "\r\n";
  bytes += "Connection: close\r\n\r\n";
  http_response r = c.request(bytes);
  // raw_client does not know the request was HEAD and waits for Content-Length bytes;
  // the server closes instead (Connection: close), which leaves a complete head.
  if (method == "HEAD" && r.status != 0 && r.outcome == read_outcome::closed) {
    r.outcome = read_outcome::response;
  }
  return r;
}

std::string daemon_test::upload(raw_client& client, std::string_view url, std::string_view data,
                                std::size_t fragment) {
  std::string const id = client.create_session(url);
  if (id.empty()) return {};
  if (auto sent = send_fragments(client, url, id, data, 0, fragment); !sent) {
    ADD_FAILURE() << sent.message();
    return {};
  }
  return id;
}

::testing::AssertionResult daemon_test::send_fragments(raw_client& client, std::string_view url,
                                                       std::string_view id, std::string_view data,
                                                       std::uint64_t first, std::size_t fragment,
                                                       header_list const& extra) {
  std::uint64_t const total = data.size();
  for (; first < total; first += fragment) {
    std::uint64_t const last = std::min<std::uint64_t>(first + fragment, total) - 1;
    header_list fields = extra;
    fields.emplace_back("BITS-Session-Id", std::string(id));
    fields.emplace_back("Content-Range", content_range(first, last, total));
    auto const r = client.bits_post(url, "Fragment", fields, data.substr(first, last - first + 1));
    if (auto ok = is_fragment_ack(r, last + 1); !ok) {
      return ok << " (fragment " << first << "-" << last << "/" << total << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> daemon_test::spool_session_dirs() const {
  return spool_session_folders(spool());
}

bool daemon_test::spool_empties_within(double seconds) const {
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (spool_session_dirs().empty()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace bits::test
