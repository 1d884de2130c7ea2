// Access log. Session ids are bearer-like (whoever knows one can write to the upload),
// so info-level lines carry only their first eight hex digits.
#include "server/request_log.hpp"

#include "core/protocol.hpp"
#include "server/logging.hpp"

#include <nlohmann/json.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

namespace bits::server {

namespace {

/// Keeps log lines one line long and bounded whatever the client sent.
std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  for (char c : s.substr(0, max)) {
    auto const u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u >= 0x7F ? '?' : c);
  }
  if (s.size() > max) out += "...";
  return out;
}

/// `s` in double quotes, one line and bounded, double quotes and backslashes escaped.
std::string quoted(std::string_view s, std::size_t max) {
  std::string out = "\"";
  for (char c : printable(s, max)) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

/// The JSON object of a request line (fields in the order of the text line).
nlohmann::ordered_json json_fields(std::string_view remote, std::string const& method,
                                   std::string const& target, std::string const& packet) {
  nlohmann::ordered_json j;
  j["remote"] = remote;
  j["method"] = method;
  j["target"] = target;
  j["packet"] = packet;
  return j;
}

std::string dump(nlohmann::ordered_json const& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

double round_ms(double ms) {
  return static_cast<double>(static_cast<long long>(ms * 10.0 + 0.5)) / 10.0;
}

}  // namespace

bool request_log::enabled() noexcept {
  return request_logger().should_log(spdlog::level::info);
}

void request_log::start(boost::beast::string_view method, boost::beast::string_view target) {
  if (!enabled() && observers_ == nullptr) return;
  method_ = printable({method.data(), method.size()}, 32);
  target_ = printable({target.data(), target.size()}, 256);
}

void request_log::packet(std::optional<std::string_view> type) {
  kind_ = kind_of_packet(type);
  if (type && enabled()) packet_ = printable(*type, 32);
}

void request_log::aborted(std::uint64_t n) {
  if (observers_ != nullptr) observers_->metrics.aborted(n);
  if (!enabled()) return;
  auto const ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  if (json_logs()) {
    auto j = json_fields(remote_, method_, target_, packet_);
    j["aborted"] = true;
    j["bytes"] = n;
    j["ms"] = round_ms(ms);
    request_logger().info("{}", dump(j));
    return;
  }
  request_logger().info("{} {} {} {} aborted bytes={} {:.1f}ms", remote_, method_, target_, packet_,
                        n, ms);
}

void request_log::observe(core::reply const& reply) {
  auto const took = std::chrono::steady_clock::now() - start_;
  auto const code = reply.header(core::header::error_code).value_or(std::string_view{});
  observers_->metrics.request(kind_, reply.status, code, bytes_, took);
  // A 401 is the first step of every login, not worth a line on the status page.
  if (reply.status < 400 || reply.status == 401) return;
  request_error e;
  e.at = static_cast<std::int64_t>(std::time(nullptr));
  e.remote = std::string(remote_);
  e.target = target_;
  e.packet = std::string(kind_ == packet_kind::none ? "-" : packet_name(kind_));
  e.status = reply.status;
  e.error_code = std::string(code);
  e.cause = printable(reply.cause, 512);
  observers_->recent.errors.add(std::move(e));
}

void request_log::finish(core::reply const& reply) {
  if (observers_ != nullptr) observe(reply);
  if (!enabled()) return;
  auto const ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  std::string session = "-";
  if (auto id = reply.header(core::header::session_id)) {
    spdlog::debug("{} session {}", remote_, *id);
    session = std::string(id->substr(0, 9)) + "...}";
  }
  auto const error = reply.header(core::header::error_code);
  if (json_logs()) {
    auto j = json_fields(remote_, method_, target_, packet_);
    j["session"] = session;
    j["status"] = reply.status;
    if (error) j["error"] = *error;
    if (!reply.cause.empty()) j["cause"] = printable(reply.cause, 512);
    if (!principal_.empty()) j["user"] = printable(principal_, 256);
    j["bytes"] = bytes_;
    j["ms"] = round_ms(ms);
    if (!note_.empty()) j["note"] = note_;
    request_logger().info("{}", dump(j));
    return;
  }
  std::string code;
  if (error) code = " error=" + std::string(*error);
  // What made the request fail below the protocol, e.g. "fdatasync data: No space left
  // on device": the client only sees the error code.
  if (!reply.cause.empty()) code += " cause=" + quoted(reply.cause, 512);
  if (!principal_.empty()) code += " user=" + quoted(principal_, 256);
  request_logger().info("{} {} {} {} session={} status={}{} bytes={} {:.1f}ms{}{}", remote_,
                        method_, target_, packet_, session, reply.status, code, bytes_, ms,
                        note_.empty() ? "" : " ", note_);
}

}  // namespace bits::server
