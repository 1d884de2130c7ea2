// The receiver process and its log.
#include "hooks/hooks_fixture.hpp"

#include "support/digest.hpp"

#include <sstream>
#include <thread>

namespace bits::test {

receiver::receiver(std::filesystem::path work_dir, std::string secret)
    : dir_(std::move(work_dir)), secret_(std::move(secret)) {}

bool receiver::start() {
  std::vector<std::string> args{
      "-I",       "-S",   receiver_script(), "--log", (dir_ / "receiver-calls.jsonl").string(),
      "--secret", secret_};
  if (port_ != 0) {
    args.push_back("--port");
    args.push_back(std::to_string(port_));
  }
  process_ = std::make_unique<daemon>(python3(), args, dir_, "receiver");
  // The port may still be held by connections of the previous process for a moment.
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (process_->start()) {
      port_ = process_->port();
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "the receiver did not start: " << process_->last_error() << "\n"
                << process_->log_tail(20);
  return false;
}

void receiver::stop() {
  if (process_) process_->stop(SIGTERM);
}

std::string receiver::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + std::string(path);
}

std::vector<received> receiver::calls() const {
  std::vector<received> out;
  std::istringstream lines(read_file(dir_ / "receiver-calls.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    auto const j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;  // a line being written
    received r;
    r.path = j.value("path", "");
    r.headers = j.value("headers", nlohmann::json::object());
    r.body = j.value("body", "");
    r.signature_ok = j.value("signature_ok", false);
    r.timestamp_ok = j.value("timestamp_ok", false);
    r.event_id = j.value("event_id", "");
    r.event_type = j.value("event_type", "");
    out.push_back(std::move(r));
  }
  return out;
}

std::string receiver::log_tail() const {
  return process_ ? process_->log_tail(20) : std::string();
}

bool eventually(std::function<bool()> const& done, std::chrono::milliseconds limit) {
  auto const deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

hooks::event sample_event(std::string const& name) {
  hooks::event e;
  e.type = hooks::event_type::post_commit;
  e.id = hooks::random_event_id();
  e.time = 1'800'000'000;
  e.vdir = "/up/";
  e.url_path = "/up/" + name;
  e.file_path = "/srv/uploads/" + name;
  e.size = 42;
  e.declared_size = 42;
  hooks::sha256_stream s;
  s.update(std::string_view(name));
  e.sha256 = s.digest();
  e.principal = "alice";
  e.client_address = "127.0.0.1";
  e.created = 1'799'999'990;
  e.committed = 1'800'000'000;
  return e;
}

std::string python3() {
  return BITS_PYTHON3;
}

std::string receiver_script() {
  return HOOK_RECEIVER_PATH;
}

}  // namespace bits::test
