// reply_app: reply_backend.py through support/daemon, and its JSON log.
#include "support/reply_app.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>

namespace bits::test {
namespace {

backend_call parse_call(nlohmann::json const& j) {
  backend_call c;
  c.method = j.value("method", "");
  c.target = j.value("target", "");
  for (auto const& h : j.at("headers")) {
    c.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  }
  c.body_length = j.value("body_length", std::uint64_t{0});
  c.body_sha256 = j.value("body_sha256", "");
  c.behaviour = j.value("behaviour", "");
  if (j.contains("request_file_exists")) {
    c.request_file_exists = j["request_file_exists"].get<bool>();
  }
  if (j.contains("request_file_size")) {
    c.request_file_size = j["request_file_size"].get<std::uint64_t>();
  }
  c.request_file_sha256 = j.value("request_file_sha256", "");
  if (j.contains("response_dir_exists")) {
    c.response_dir_exists = j["response_dir_exists"].get<bool>();
  }
  return c;
}

}  // namespace

std::optional<std::string> backend_call::header(std::string_view name) const {
  for (auto const& [field, value] : headers) {
    if (iequals(field, name)) return value;
  }
  return std::nullopt;
}

reply_app::reply_app(std::filesystem::path work_dir) : work_dir_(std::move(work_dir)) {}

reply_app::~reply_app() {
  stop();
}

bool reply_app::available() noexcept {
#if defined(BITS_PYTHON3) && defined(REPLY_BACKEND_PATH)
  return true;
#else
  return false;
#endif
}

std::uint16_t reply_app::start() {
  if (process_) return process_->port();
#if defined(BITS_PYTHON3) && defined(REPLY_BACKEND_PATH)
  process_ = std::make_unique<bits::test::daemon>(
      // -I -S: the application needs only the standard library, and skipping site
      // packages keeps its start-up short.
      BITS_PYTHON3,
      std::vector<std::string>{"-I", "-S", REPLY_BACKEND_PATH, "--log",
                               (work_dir_ / "app-calls.jsonl").string()},
      work_dir_, "reply_backend");
  if (!process_->start()) {
    ADD_FAILURE() << "the test application did not start: " << process_->last_error() << "\n"
                  << process_->log_tail(40);
  }
  return process_->port();
#else
  ADD_FAILURE() << "no python3 for the test application";
  return 0;
#endif
}

std::string reply_app::url(std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(start()) + "/" + std::string(path);
}

std::vector<backend_call> reply_app::calls() const {
  std::vector<backend_call> calls;
  std::ifstream in(work_dir_ / "app-calls.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto const j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "unreadable line in the application log: " << line;
      continue;
    }
    calls.push_back(parse_call(j));
  }
  return calls;
}

std::string reply_app::log_tail(std::size_t lines) const {
  return process_ ? process_->log_tail(lines) : std::string{};
}

void reply_app::stop() {
  if (process_) process_->stop(SIGTERM, std::chrono::seconds(2));
}

}  // namespace bits::test
