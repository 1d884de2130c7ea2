// JSON lines: {"time":"2026-11-24T22:07:07.610","level":"info","msg":"..."}, and for the
// request logger the request's own fields after time and level (the message is their
// JSON object, written by request_log). Time and level read as in the text lines.
#include "server/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

namespace bits::server {

namespace {

constexpr char const* text_pattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v";
constexpr char const* request_logger_name = "request";

std::shared_ptr<spdlog::logger> request_logger_;             // set once, before threads run
std::shared_ptr<spdlog::sinks::stderr_color_sink_mt> sink_;  // set once, before threads run
std::atomic<bool> json_{false};

class json_formatter final : public spdlog::formatter {
 public:
  void format(spdlog::details::log_msg const& msg, spdlog::memory_buf_t& dest) override {
    auto const time = std::chrono::system_clock::to_time_t(msg.time);
    auto const ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count() %
        1000;
    std::tm local{};
    ::localtime_r(&time, &local);
    char stamp[64];
    auto n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &local);
    n += static_cast<std::size_t>(
        std::snprintf(stamp + n, sizeof stamp - n, ".%03d", static_cast<int>(ms)));
    auto const level = spdlog::level::to_string_view(msg.level);
    std::string line = R"({"time":")";
    line.append(stamp, n);
    line += R"(","level":")";
    line.append(level.data(), level.size());
    line += '"';
    std::string_view const payload(msg.payload.data(), msg.payload.size());
    if (msg.logger_name == request_logger_name && payload.size() > 2 && payload.front() == '{') {
      line += ',';
      line.append(payload.substr(1));
    } else {
      line += R"(,"msg":)";
      line += nlohmann::json(std::string(payload))
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      line += '}';
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }

  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

}  // namespace

void configure_logging(settings::log_format format, spdlog::level::level_enum level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      format == settings::log_format::json ? spdlog::color_mode::never
                                           : spdlog::color_mode::automatic);
  sink_ = sink;
  set_log_format(format);
  auto main = std::make_shared<spdlog::logger>("openbitsd", sink);
  request_logger_ = std::make_shared<spdlog::logger>(request_logger_name, sink);
  spdlog::set_default_logger(main);
  set_log_level(level);
}

void set_log_level(spdlog::level::level_enum level) {
  spdlog::set_level(level);
  if (request_logger_) request_logger_->set_level(level);
}

void set_log_format(settings::log_format format) {
  bool const json = format == settings::log_format::json;
  // The sink's own lock orders the switch with the lines being written.
  if (json) {
    sink_->set_formatter(std::make_unique<json_formatter>());
  } else {
    sink_->set_pattern(text_pattern);
  }
  json_.store(json);
}

bool json_logs() noexcept {
  return json_.load(std::memory_order_relaxed);
}

spdlog::logger& request_logger() noexcept {
  return request_logger_ ? *request_logger_ : *spdlog::default_logger_raw();
}

}  // namespace bits::server
