// Streaming one Fragment body into the spool. The session's offset advances with every
// chunk written, so what an interrupted body leaves behind is always consistent.
#include "service/fragment_job.hpp"

#include "service/acks.hpp"
#include "service/random_id.hpp"
#include "service/sync_stats.hpp"

#include <algorithm>
#include <chrono>

namespace bits::service {

void fragment_env::completed(session& s, bool left_spool, std::chrono::nanoseconds took) const {
  quotas.completed(s, left_spool);
  session_counters::bump(counters.committed);
  if (on_commit) on_commit(s.record, took);
}

fragment_job::fragment_job(fragment_env env, session_lease lease, core::fragment_plan plan,
                           std::uint64_t /*body_length*/,
                           std::unique_ptr<storage::data_writer> writer, request_url url)
    : env_(env),
      lease_(std::move(lease)),
      plan_(plan),
      writer_(std::move(writer)),
      url_(std::move(url)) {}

fragment_job::~fragment_job() = default;

status fragment_job::write(std::span<std::byte const> bytes) {
  auto const at = consumed_;
  consumed_ += bytes.size();
  // Drop the part of this chunk that falls into the bytes the server already holds.
  if (at < plan_.skip) {
    auto const drop = std::min<std::uint64_t>(plan_.skip - at, bytes.size());
    bytes = bytes.subspan(static_cast<std::size_t>(drop));
  }
  if (bytes.empty()) return {};

  session& s = *lease_;
  auto const offset = plan_.write_offset + (std::max(at, plan_.skip) - plan_.skip);
  if (auto ec = writer_->write_at(offset, bytes)) return ec;
  std::lock_guard lock(s.mu);
  env_.hooks.received(s, offset, bytes);
  s.record.received = offset + bytes.size();
  if (!s.dirty && !unspooled()) {
    s.dirty = true;
    s.dirty_since = env_.clock();
    s.dirty_ms = steady_ms();
  }
  return {};
}

core::reply fragment_job::finish() {
  session& s = *lease_;
  auto const id = s.record.id;
  std::lock_guard lock(s.mu);
  auto& rec = s.record;
  rec.last_activity = env_.clock();
  auto const work = disk_work(s);

  if (work != finish_work::none) env_.hooks.stamp(s);  // the digest, saved with the record
  if (work == finish_work::commit) {
    // The last byte is here: publish now, before the Ack (reference 6.3).
    auto const allow = env_.policy.allow_overwrites;
    auto const began = std::chrono::steady_clock::now();
    if (auto ec = unspooled() ? env_.store.commit_whole(rec, *writer_, allow)
                              : env_.store.commit(rec, allow)) {
      forget_unspooled(s);
      core::reply r = session_error(ec, id, rec.received);
      release();
      return r;
    }
    rec.state = storage::session_state::complete;
    s.dirty = false;
    s.durable = rec.received;
    env_.completed(s, true, std::chrono::steady_clock::now() - began);
  } else if (work == finish_work::sync) {
    // Strict durability: what this Ack reports survives power loss.
    auto ec = writer_ ? writer_->sync() : status{};
    if (!ec) ec = env_.store.save(rec, true);
    if (ec) {
      // The bytes are held, only not yet synced (the maintenance thread retries): the
      // offset reported never goes back, whatever failed.
      core::reply r = session_error(ec, id, rec.received);
      release();
      return r;
    }
    s.dirty = false;
    s.durable = rec.received;
  }
  // Hooks: the post-commit event is recorded before this Ack (also by a resent last
  // fragment, when recording failed the first time).
  if (auto ec = env_.hooks.committed(s, env_.clock())) {
    core::reply r = session_error(ec, id, rec.received);
    release();
    return r;
  }

  core::reply r = core::make_ack();
  r.set(core::header::session_id, id.to_string());
  r.set(core::header::received_content_range, std::to_string(rec.received));
  // A retransmitted final fragment gets the same reply URL again (reference 5.3).
  if (rec.state == storage::session_state::complete &&
      (!rec.reply_token.empty() || !rec.reply_url.empty())) {
    r.set(core::header::reply_url, reply_url(rec, env_.policy.url, url_.scheme, url_.host));
  }
  release();
  return r;
}

fragment_job::finish_work fragment_job::disk_work(session const& s) const {
  if (s.record.state != storage::session_state::receiving) return finish_work::none;
  if (plan_.completes_upload) return finish_work::commit;
  if (s.dirty && env_.strict_sync) return finish_work::sync;
  return finish_work::none;
}

bool fragment_job::finish_blocks() const {
  session& s = *lease_;
  std::lock_guard lock(s.mu);
  return disk_work(s) != finish_work::none || env_.hooks.commit_pending(s);
}

bool fragment_job::needs_notification() const {
  session& s = *lease_;
  std::lock_guard lock(s.mu);
  return plan_.completes_upload && s.record.state == storage::session_state::receiving &&
         env_.policy.notification_type != notification_type::none;
}

status_or<notification_request> fragment_job::notification() {
  session& s = *lease_;
  auto const& id = s.record.id;
  if (auto ec = env_.store.reset_reply(id)) return ec;
  storage::session_record rec;
  {
    std::lock_guard lock(s.mu);
    rec = s.record;
  }
  if (auto ec = env_.store.prepare_request(rec)) return ec;
  auto const& p = env_.policy;
  notification_request req;
  req.type = p.notification_type;
  req.url = resolve_notification_url(p.notification_url, url_.scheme, url_.host, url_.target);
  req.original_url = absolute_url(url_.scheme, url_.host, url_.target);
  req.request_file = env_.store.spool_file_path(id, storage::spool_file::request);
  req.response_file = env_.store.spool_file_path(id, storage::spool_file::reply);
  req.timeout = p.notification_timeout;
  return req;
}

namespace {

/// `r`, with a reply URL that reference 7.5 refuses turned into a malformed answer: over
/// 2,200 characters, or with control characters (a bare CR survives the HTTP client's
/// line splitting and would go into our own BITS-Reply-URL header).
notification_response checked(notification_response r) {
  auto const control = [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7F;
  };
  if (r.what == notification_response::outcome::ok &&
      (r.static_url.size() > 2200 ||
       std::any_of(r.static_url.begin(), r.static_url.end(), control))) {
    r.what = notification_response::outcome::malformed;
  }
  return r;
}

}  // namespace

core::reply fragment_job::finish_notified(notification_response const& r) {
  session& s = *lease_;
  std::lock_guard lock(s.mu);
  s.record.last_activity = env_.clock();
  auto const response = checked(r);
  core::reply rep;
  if (response.what != notification_response::outcome::ok) {
    // The session keeps every byte: a retried final fragment notifies again (6.2).
    rep = application_error_ack(response);
  } else if (auto failed = complete_notified(s, response)) {
    rep = error_ack(failed);
  } else {
    rep = core::make_ack();
    rep.set(core::header::reply_url, reply_url(s.record, env_.policy.url, url_.scheme, url_.host));
  }
  rep.set(core::header::session_id, s.record.id.to_string());
  rep.set(core::header::received_content_range, std::to_string(s.record.received));
  release();
  return rep;
}

status fragment_job::complete_notified(session& s, notification_response const& r) {
  auto& rec = s.record;
  rec.reply_url = r.static_url;
  if (rec.reply_url.empty()) {
    auto token = random_session_id();
    if (!token) {
      rec.reply_url.clear();
      return token.error();
    }
    rec.reply_token = token->to_hex();
  }
  // The reply is where every node reads it before the record says complete.
  if (auto kept = env_.store.keep_reply(rec)) {
    rec.reply_token.clear();
    rec.reply_url.clear();
    return kept;
  }
  // commit() saves the record as complete itself; without a copy, save() does.
  auto done = rec;
  done.state = storage::session_state::complete;
  auto const began = std::chrono::steady_clock::now();
  auto failed = r.copy_to_destination ? env_.store.commit(rec, env_.policy.allow_overwrites)
                                      : env_.store.save(done, false);
  if (failed) {
    rec.reply_token.clear();
    rec.reply_url.clear();
    return failed;
  }
  rec.state = storage::session_state::complete;
  s.dirty = false;
  // Without a copy the upload stays in the spool, beside the reply, until Close.
  env_.completed(s, r.copy_to_destination, std::chrono::steady_clock::now() - began);
  env_.replies.add(rec);
  return {};
}

core::reply fragment_job::fail(status const& failure) {
  session& s = *lease_;
  std::uint64_t received = 0;
  {
    std::lock_guard lock(s.mu);
    forget_unspooled(s);
    received = s.record.received;
  }
  core::reply r = session_error(failure, s.record.id, received);
  release();
  return r;
}

void fragment_job::abort() noexcept {
  if (unspooled() && lease_) {
    std::lock_guard lock(lease_->mu);
    forget_unspooled(*lease_);
  }
  release();
}

void fragment_job::forget_unspooled(session& s) const noexcept {
  // The unnamed file goes with its writer: the client sends the file again.
  if (unspooled() && s.record.state == storage::session_state::receiving) {
    s.record.received = 0;
  }
}

void fragment_job::release() noexcept {
  // The session was in use until now: its idle time for eviction starts here.
  if (lease_) lease_->active_at.store(env_.clock(), std::memory_order_relaxed);
  lease_.release();
}

}  // namespace bits::service
