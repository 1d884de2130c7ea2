// The ping job.
#include "client/ping.hpp"

#include "client/job_internal.hpp"
#include "client/upload_packets.hpp"
#include "net/url.hpp"

namespace bits::client {

ping_result run_ping(transport& t, std::string const& url, job_hooks const& hooks) {
  ping_result out;
  auto normalized = net::normalize_url(url);
  if (!normalized) {
    failure f;
    f.ec = make_error_code(errc::invalid_url);
    f.detail = url;
    out.error = f;
    return out;
  }
  if (hooks.on_event) hooks.on_event("> Ping " + *normalized);
  auto r = t.exchange(make_packet(core::packet_type::ping, *normalized, {}),
                      [&](std::uint64_t, std::uint64_t) { return !hooks.stop.stop_requested(); });
  if (!r) {
    out.error = detail::transport_failure(r.error(), "Ping");
    return out;
  }
  out.status = r->status;
  out.round_trip = r->elapsed;
  if (hooks.on_event) hooks.on_event("< " + std::to_string(r->status));
  // A 2xx Ack is a success whatever error headers it carries (reference 4.1).
  if (auto f = check_ack(*r, "Ping")) {
    out.error = std::move(f);
  } else if (r->status / 100 != 2) {
    out.error = failure_from_response(*r, "Ping");
  }
  return out;
}

}  // namespace bits::client
