// One function per upload packet: send it, read the Ack, decide the next phase
// (reference 4.6 "How the Windows client reacts", 13 "Notes for our client").
#include "client/upload_job_impl.hpp"

#include "client/download_job.hpp"
#include "client/job_internal.hpp"
#include "client/upload_packets.hpp"
#include "net/url.hpp"

#include <algorithm>

namespace bits::client::detail {
namespace {

std::string status_line(net::response const& r) {
  std::string line = "< " + std::to_string(r.status);
  if (auto code = r.header(core::header::error_code))
    line += " BITS-Error-Code: " + std::string(*code);
  return line;
}

}  // namespace

std::optional<failure> upload_job::do_ping() {
  report(job_phase::connecting);
  event("> Ping " + url_);
  auto r = send(make_packet(core::packet_type::ping, url_, {}), job_phase::connecting);
  if (!r) return transport_failure(r.error(), "Ping");
  event(status_line(*r));
  if (auto f = check_ack(*r, "Ping")) return f;
  if (r->status / 100 != 2) return failure_from_response(*r, "Ping");
  need_ping_ = false;
  return std::nullopt;
}

// Reference 13: accept 200 or 201, require BITS-Session-Id, check BITS-Protocol, follow
// BITS-Host-Id (Ping it first).
std::optional<failure> upload_job::do_create() {
  report(job_phase::creating);
  event("> Create-Session " + url_);
  auto r = send(make_packet(core::packet_type::create_session, url_, {}), job_phase::creating);
  if (!r) return transport_failure(r.error(), "Create-Session");
  event(status_line(*r) + " " + std::string(r->header(core::header::session_id).value_or("")));
  if (auto f = check_ack(*r, "Create-Session")) return f;
  if (r->status != 200 && r->status != 201) return failure_from_response(*r, "Create-Session");
  create_ack ack;
  if (auto f = parse_create_ack(*r, ack)) return f;
  state_.session_id = ack.session_id;
  state_.offset = 0;
  state_.reply_url.clear();
  summary_.session_id = ack.session_id;
  retry_.progress();
  if (!ack.host_id.empty()) {
    use_host_id(ack.host_id, ack.fallback_s);
    need_ping_ = true;
  }
  phase_ = phase::send;
  save(true);  // from now on a rerun must find this session
  return std::nullopt;
}

std::optional<failure> upload_job::do_fragment() {
  std::uint64_t const total = file_->size();
  // BITS fails an upload whose file changes size or date meanwhile (reference Q14).
  if (file_->changed()) {
    fatal_ = true;
    failure f;
    f.ec = make_error_code(errc::local_file_changed);
    f.hresult = hresult_of(errc::local_file_changed);
    f.detail = o_.file.string();
    return f;
  }
  std::uint64_t const first = state_.offset;
  core::content_range const range{first, std::min(sizer_.next(), total - first), total};
  std::string const where = describe_fragment(range);
  event("> " + where);
  auto r = send(make_fragment(url_, state_.session_id, range, *file_, content_name_),
                job_phase::uploading);
  if (!r) return transport_failure(r.error(), where);
  summary_.bytes_sent += range.length;
  event(status_line(*r) + " BITS-Received-Content-Range: " +
        std::string(r->header(core::header::received_content_range).value_or("(none)")));
  if (auto f = check_ack(*r, where)) return f;
  if (is_session_not_found(*r)) return restart_session("the server does not know the session");
  if (r->status == 413) {
    ++summary_.shrinks;
    if (!sizer_.on_too_large(range.length)) {
      fatal_ = true;
      return protocol_failure(*r, where, "", errc::fragment_too_small);
    }
    event("  413: fragment size now " + std::to_string(sizer_.next()));
    return std::nullopt;
  }
  if (r->status == 200 || r->status == 416) return on_fragment_ack(*r, range);
  return failure_from_response(*r, where);
}

// Reference 13: after every 200/416 the next offset is BITS-Received-Content-Range,
// validated against the file size; anything else is BG_E_INVALID_SERVER_RESPONSE.
std::optional<failure> upload_job::on_fragment_ack(net::response const& r,
                                                   core::content_range const& sent) {
  std::string const where = describe_fragment(sent);
  auto const n = received_offset(r, sent.total);
  if (!n) {
    fatal_ = true;
    return protocol_failure(r, where, "missing or invalid BITS-Received-Content-Range");
  }
  // A server that neither takes the bytes nor names another offset would loop forever.
  bool const moved = *n != state_.offset;
  stalled_acks_ = moved || *n == sent.total ? 0 : stalled_acks_ + 1;
  if (stalled_acks_ > 2) {
    fatal_ = true;
    return protocol_failure(r, where, "the server does not advance its offset");
  }
  if (r.status == 416 && summary_.fragments == 0 && summary_.resumed) summary_.resumed_from = *n;
  if (*n != sent.end()) {
    ++summary_.resyncs;
    event("  server expects offset " + std::to_string(*n) + "; continuing from there");
  }
  if (r.status == 200) {
    ++summary_.fragments;
    sizer_.on_acknowledged(sent.length, r.elapsed);
  }
  state_.offset = *n;
  retry_.progress();
  if (*n == sent.total) return on_complete(r, sent);
  if (clk_.now() - last_save_ >= std::chrono::seconds(1)) save(false);
  report(job_phase::uploading);
  return std::nullopt;
}

// Upload-reply: the completing Ack must carry BITS-Reply-URL (reference 13). A resent
// final fragment (a pure duplicate) gets it again (reference 3.3), so one resend is
// tried before giving up.
std::optional<failure> upload_job::on_complete(net::response const& r,
                                               core::content_range const& sent) {
  report(job_phase::uploading);
  if (o_.reply_file.empty()) {
    phase_ = phase::close;
    save(false);
    return std::nullopt;
  }
  auto const reply = r.header(core::header::reply_url);
  if (r.status == 200 && reply && !reply->empty()) {
    state_.reply_url = std::string(*reply);
    phase_ = phase::reply;
    save(true);
    return std::nullopt;
  }
  if (!reply_resent_) {
    reply_resent_ = true;
    std::uint64_t const tail = std::max<std::uint64_t>(sent.length, 1);
    state_.offset = sent.total - std::min(sent.total, tail);
    event("  no BITS-Reply-URL on the final Ack; resending the last fragment");
    return std::nullopt;
  }
  deferred_ = protocol_failure(r, describe_fragment(sent), "", errc::no_reply_url);
  phase_ = phase::close;
  return std::nullopt;
}

// IIS sends a relative reference with backslashes; Windows resolves it against the
// upload URL after turning them into slashes (reference 7.5, 13).
std::optional<failure> upload_job::do_reply() {
  std::string reference = state_.reply_url;
  std::replace(reference.begin(), reference.end(), '\\', '/');
  auto url = net::resolve_reference(url_, reference);
  if (!url) {
    fatal_ = true;
    failure f;
    f.ec = make_error_code(errc::invalid_server_response);
    f.hresult = hresult_of(errc::invalid_server_response);
    f.detail = "unusable BITS-Reply-URL '" + state_.reply_url + "'";
    return f;
  }
  summary_.reply_url = *url;
  download_options d;
  d.url = *url;
  d.file = o_.reply_file;
  if (!o_.state_path.empty()) d.state_path = o_.state_path.string() + ".reply";
  d.retry = o_.retry;
  job_hooks sub = h_;
  sub.on_progress = [this](progress_info const& p) {
    if (!h_.on_progress) return;
    progress_info mapped = p;
    if (mapped.phase != job_phase::waiting) mapped.phase = job_phase::fetching_reply;
    h_.on_progress(mapped);
  };
  auto res = run_download(t_, d, sub);
  summary_.retries += res.summary.retries;
  if (res.error) {
    fatal_ = true;  // run_download has done its own retrying
    return res.error;
  }
  summary_.reply_bytes = res.summary.bytes;
  phase_ = phase::close;
  return std::nullopt;
}

// Reference 3.4/4.6: Close is resent on 5xx; BG_E_SESSION_NOT_FOUND restarts the upload.
std::optional<failure> upload_job::do_close() {
  report(job_phase::closing);
  event("> Close-Session " + state_.session_id);
  auto r =
      send(make_packet(core::packet_type::close_session, url_, state_.session_id, content_name_),
           job_phase::closing);
  if (!r) return transport_failure(r.error(), "Close-Session");
  event(status_line(*r));
  if (auto f = check_ack(*r, "Close-Session")) return f;
  if (is_session_not_found(*r)) return restart_session("Close-Session: session not found");
  if (r->status / 100 != 2) return failure_from_response(*r, "Close-Session");
  phase_ = phase::done;
  return std::nullopt;
}

}  // namespace bits::client::detail
