// --json output through nlohmann_json (dump never throws: invalid UTF-8 is replaced).
#include "client/summary.hpp"

#include "core/wire_error.hpp"

#include <nlohmann/json.hpp>

namespace bits::client {
namespace {

using json = nlohmann::json;

std::string dump(json const& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

double seconds(std::chrono::microseconds d) {
  return static_cast<double>(d.count()) / 1e6;
}

double rate(std::uint64_t bytes, std::chrono::microseconds d) {
  return d.count() > 0 ? static_cast<double>(bytes) / seconds(d) : 0.0;
}

void add_result(json& j, std::optional<failure> const& error) {
  j["result"] = error ? "error" : "ok";
  if (!error) return;
  json e = {{"message", describe(*error)}, {"exit_code", exit_code_of(*error)}};
  if (error->hresult) {
    e["hresult"] = core::format_hresult(*error->hresult);
    e["name"] = std::string(core::hresult_name(*error->hresult));
  }
  if (error->http_status != 0) e["http_status"] = error->http_status;
  if (error->context) e["context"] = core::format_error_context(*error->context);
  j["error"] = std::move(e);
}

}  // namespace

std::string upload_json(upload_options const& o, upload_result const& r) {
  auto const& s = r.summary;
  json j = {{"operation", "upload"},
            {"file", o.file.string()},
            {"url", o.url},
            {"effective_url", s.url},
            {"bytes", s.bytes},
            {"bytes_sent", s.bytes_sent},
            {"resumed", s.resumed},
            {"resumed_from", s.resumed_from},
            {"duration_s", seconds(s.duration)},
            {"rate_bytes_per_s", rate(s.bytes_sent, s.duration)},
            {"session_id", s.session_id},
            {"retries", s.retries},
            {"restarts", s.restarts},
            {"resyncs", s.resyncs},
            {"fragments", s.fragments},
            {"shrinks", s.shrinks},
            {"fragment_size", s.fragment_size},
            {"reply_url", s.reply_url},
            {"reply_bytes", s.reply_bytes}};
  add_result(j, r.error);
  return dump(j);
}

std::string download_json(download_options const& o, download_result const& r) {
  auto const& s = r.summary;
  json j = {{"operation", "download"},
            {"url", o.url},
            {"file", o.file.string()},
            {"bytes", s.bytes},
            {"bytes_received", s.bytes_received},
            {"resumed_from", s.resumed_from},
            {"duration_s", seconds(s.duration)},
            {"rate_bytes_per_s", rate(s.bytes_received, s.duration)},
            {"retries", s.retries},
            {"restarts", s.restarts}};
  add_result(j, r.error);
  return dump(j);
}

std::string ping_json(std::string const& url, ping_result const& r) {
  json j = {{"operation", "ping"},
            {"url", url},
            {"http_status", r.status},
            {"round_trip_ms", static_cast<double>(r.round_trip.count()) / 1000.0}};
  add_result(j, r.error);
  return dump(j);
}

std::string cancel_json(std::string const& state_path, cancel_result const& r) {
  json j = {{"operation", "cancel"}, {"state", state_path}, {"session_id", r.session_id}};
  add_result(j, r.error);
  return dump(j);
}

}  // namespace bits::client
