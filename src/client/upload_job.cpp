// The upload job: preparing (local file, state file, resume), the driving loop with its
// retry decisions, BITS-Host-Id routing and restarts. The packets are in upload_steps.cpp.
#include "client/upload_job.hpp"

#include "client/job_internal.hpp"
#include "client/upload_job_impl.hpp"
#include "client/upload_packets.hpp"
#include "net/curl_error.hpp"
#include "net/url.hpp"

#include <algorithm>

namespace bits::client {
namespace detail {
namespace {

constexpr auto offset_save_interval = std::chrono::seconds(1);

failure simple_failure(errc e, std::string detail) {
  failure f;
  f.ec = make_error_code(e);
  f.hresult = hresult_of(e);
  f.detail = std::move(detail);
  return f;
}

// Where packets for a saved session go: the host-id host if one was in force.
std::string effective_url(upload_state const& s) {
  if (s.host_id.empty()) return s.url;
  auto u = net::replace_host(s.url, s.host_id);
  return u ? *u : s.url;
}

}  // namespace

upload_job::upload_job(transport& t, upload_options const& o, job_hooks const& h)
    : t_(t),
      o_(o),
      h_(h),
      clk_(h.time != nullptr ? *h.time : default_clock()),
      retry_(o.retry, clk_, seed_or_random(h.seed)),
      sizer_(o.fragment_size) {}

void upload_job::event(std::string const& line) const {
  if (h_.on_event) h_.on_event(line);
}

void upload_job::report(job_phase p, std::uint64_t in_flight) const {
  if (!h_.on_progress) return;
  progress_info info;
  info.phase = p;
  info.bytes_total = file_ ? file_->size() : 0;
  info.bytes_done = std::min(state_.offset + in_flight, info.bytes_total);
  info.retries = retry_.total_failures();
  h_.on_progress(info);
}

void upload_job::save(bool durable) {
  last_save_ = clk_.now();
  if (!state_file_) return;
  if (auto ec = state_file_->save(state_, durable)) {
    event("! cannot write state file " + state_file_->path().string() + ": " + ec.message());
  }
}

result<net::response> upload_job::send(net::request const& req, job_phase p) {
  auto r = t_.exchange(req, [&](std::uint64_t sent, std::uint64_t) {
    report(p, std::min(sent, req.body_length));
    return !h_.stop.stop_requested();
  });
  if (r) host_failing_since_.reset();  // the host answered: the fallback timer stops
  return r;
}

// Reference 8: scheme, port, path and query stay; only the host changes.
void upload_job::use_host_id(std::string const& host_id, std::optional<std::uint64_t> fallback_s) {
  auto u = net::replace_host(state_.url, host_id);
  if (!u) {
    event("! ignoring unusable BITS-Host-Id '" + host_id + "': " + u.error().message());
    return;
  }
  url_ = *u;
  state_.host_id = host_id;
  state_.host_id_fallback_s = fallback_s;
  host_failing_since_.reset();
  event("  following BITS-Host-Id: " + url_);
}

void upload_job::revert_to_original_host() {
  event("! BITS-Host-Id " + state_.host_id + " unreachable past its fallback timeout; back to " +
        state_.url);
  state_.host_id.clear();
  state_.host_id_fallback_s.reset();
  url_ = state_.url;
  host_failing_since_.reset();
  save(true);
}

// The fallback timer runs while the host-id server cannot be reached and restarts
// whenever it answers; without a fallback timeout the client never reverts (reference 8).
void upload_job::on_connection_failure() {
  if (state_.host_id.empty()) return;
  auto const now = clk_.now();
  if (!host_failing_since_) host_failing_since_ = now;
  if (state_.host_id_fallback_s &&
      now - *host_failing_since_ >= std::chrono::seconds(*state_.host_id_fallback_s)) {
    revert_to_original_host();
  }
}

std::optional<failure> upload_job::restart_session(std::string const& why) {
  if (++summary_.restarts > o_.max_restarts) {
    fatal_ = true;
    return simple_failure(errc::too_many_restarts, why);
  }
  event("! " + why + ": starting over with a new session");
  state_.session_id.clear();
  state_.offset = 0;
  state_.reply_url.clear();
  state_.host_id.clear();
  state_.host_id_fallback_s.reset();
  url_ = state_.url;
  reply_resent_ = false;
  stalled_acks_ = 0;
  phase_ = phase::create;
  need_ping_ = o_.ping;
  save(true);
  return std::nullopt;
}

std::optional<failure> upload_job::prepare() {
  auto opened = local_file::open(o_.file);
  if (!opened) {
    return simple_failure(errc::local_file_error,
                          o_.file.string() + ": " + opened.error().message());
  }
  file_.emplace(std::move(*opened));
  content_name_ = o_.file.filename().string();
  auto url = net::normalize_url(o_.url);
  if (!url) return simple_failure(errc::invalid_url, o_.url);
  std::error_code ec;
  state_.url = *url;
  state_.file = std::filesystem::absolute(o_.file, ec).string();
  state_.identity = file_->identity();
  url_ = state_.url;
  phase_ = phase::create;
  need_ping_ = o_.ping;
  if (o_.state_path.empty()) return std::nullopt;
  auto sf = state_file::open(o_.state_path);
  if (!sf) return simple_failure(static_cast<errc>(sf.error().value()), o_.state_path.string());
  state_file_.emplace(std::move(*sf));
  auto saved = state_file_->load_upload();
  if (!saved) return simple_failure(errc::state_invalid, o_.state_path.string());
  if (!*saved || (*saved)->session_id.empty()) return std::nullopt;
  if ((*saved)->url != state_.url) {
    return simple_failure(errc::state_invalid,
                          o_.state_path.string() + " belongs to an upload to " + (*saved)->url);
  }
  return resume_from(**saved);
}

std::optional<failure> upload_job::resume_from(upload_state const& saved) {
  if (saved.identity != state_.identity) {
    // The session holds bytes of another version of the file: it cannot be continued.
    event("! " + o_.file.string() + " changed since session " + saved.session_id +
          " started; cancelling it and starting a new upload");
    (void)t_.exchange(
        make_packet(core::packet_type::cancel_session, effective_url(saved), saved.session_id), {});
    return std::nullopt;
  }
  state_ = saved;
  summary_.resumed = true;
  summary_.resumed_from = saved.offset;
  summary_.session_id = saved.session_id;
  if (!saved.host_id.empty()) use_host_id(saved.host_id, saved.host_id_fallback_s);
  event("  resuming session " + saved.session_id + " at offset " + std::to_string(saved.offset));
  // Windows pings whenever it resumes an interrupted session (reference 3.1).
  need_ping_ = o_.ping;
  std::uint64_t const total = file_->size();
  if (state_.offset < total) {
    phase_ = phase::send;
  } else if (o_.reply_file.empty()) {
    phase_ = phase::close;
  } else if (!state_.reply_url.empty()) {
    phase_ = phase::reply;
  } else {  // complete, but the reply URL was lost: resend the tail to hear it again
    state_.offset = total - std::min<std::uint64_t>(total, fragment_sizer::minimum);
    reply_resent_ = true;
    phase_ = phase::send;
  }
  return std::nullopt;
}

bool upload_job::recover(failure& f) {
  if (fatal_ || f.ec == make_error_code(errc::cancelled) || !f.transient) return false;
  if (f.ec.category() == net::curl_category()) on_connection_failure();
  need_ping_ = o_.ping;
  progress_info p;
  p.bytes_total = file_->size();
  p.bytes_done = state_.offset;
  return wait_for_retry(retry_, f, h_, clk_, p);
}

std::optional<failure> upload_job::drive() {
  while (phase_ != phase::done) {
    if (h_.stop.stop_requested()) return cancelled_failure();
    std::optional<failure> f;
    if (need_ping_) {
      f = do_ping();
    } else {
      switch (phase_) {
        case phase::create:
          f = do_create();
          break;
        case phase::send:
          f = do_fragment();
          break;
        case phase::reply:
          f = do_reply();
          break;
        case phase::close:
          f = do_close();
          break;
        case phase::done:
          break;
      }
    }
    if (f && !recover(*f)) return f;
  }
  return std::nullopt;
}

// A permanently failed job leaves nothing behind: one Cancel-Session attempt frees the
// server's spool, and the state file goes (a rerun would only fail again).
void upload_job::abandon_session() noexcept {
  if (!state_file_) return;
  if (!state_.session_id.empty()) {
    event("> Cancel-Session " + state_.session_id);
    (void)t_.exchange(make_packet(core::packet_type::cancel_session, url_, state_.session_id), {});
  }
  state_file_->remove();
}

upload_result upload_job::run() {
  auto const started = clk_.now();
  upload_result out;
  out.error = prepare();
  if (!out.error) {
    out.error = drive();
    if (!out.error) {
      if (state_file_) state_file_->remove();
      out.error = deferred_;
      report(job_phase::done);
    } else if (out.error->ec != make_error_code(errc::cancelled) && !out.error->transient) {
      abandon_session();
    } else if (!state_.session_id.empty()) {
      save(false);  // the next run continues from the latest offset
    }
  }
  summary_.bytes = file_ ? file_->size() : 0;
  summary_.session_id = state_.session_id;
  summary_.url = url_;
  summary_.retries += retry_.total_failures();
  summary_.fragment_size = sizer_.next();
  summary_.reply_url = state_.reply_url;
  summary_.duration = std::chrono::duration_cast<std::chrono::microseconds>(clk_.now() - started);
  out.summary = summary_;
  return out;
}

}  // namespace detail

upload_result run_upload(transport& t, upload_options const& options, job_hooks const& hooks) {
  detail::upload_job job(t, options, hooks);
  return job.run();
}

// Reference 3.5: Cancel-Session is resent on 5xx, and BG_E_SESSION_NOT_FOUND on a
// Cancel means there is nothing left to cancel (never a reason to restart).
cancel_result run_cancel(transport& t, std::filesystem::path const& state_path,
                         retry_settings const& retry, job_hooks const& hooks) {
  cancel_result out;
  auto fail = [&](errc e, std::string detail) {
    failure f;
    f.ec = make_error_code(e);
    f.detail = std::move(detail);
    out.error = std::move(f);
    return out;
  };
  auto sf = state_file::open(state_path);
  if (!sf) return fail(static_cast<errc>(sf.error().value()), state_path.string());
  auto saved = sf->load_upload();
  if (!saved || !*saved)
    return fail(errc::state_invalid, "no upload state in " + state_path.string());
  upload_state const& s = **saved;
  out.session_id = s.session_id;
  if (s.session_id.empty()) {
    sf->remove();
    return out;
  }
  std::string const url = detail::effective_url(s);
  clock& clk = hooks.time != nullptr ? *hooks.time : default_clock();
  retry_tracker tracker(retry, clk, detail::seed_or_random(hooks.seed));
  for (;;) {
    if (hooks.on_event) hooks.on_event("> Cancel-Session " + s.session_id + " " + url);
    auto r = t.exchange(make_packet(core::packet_type::cancel_session, url, s.session_id),
                        [&](std::uint64_t, std::uint64_t) { return !hooks.stop.stop_requested(); });
    failure f;
    if (!r) {
      f = detail::transport_failure(r.error(), "Cancel-Session");
    } else if (auto bad = check_ack(*r, "Cancel-Session")) {
      f = std::move(*bad);
    } else if (r->status / 100 == 2 || is_session_not_found(*r)) {
      if (hooks.on_event) hooks.on_event("< " + std::to_string(r->status));
      sf->remove();
      return out;
    } else {
      f = failure_from_response(*r, "Cancel-Session");
    }
    if (!f.transient || !detail::wait_for_retry(tracker, f, hooks, clk, {})) {
      out.error = std::move(f);
      return out;
    }
  }
}

}  // namespace bits::client
