// Packet handlers of one virtual directory. Each reads as parse -> acquire -> decide ->
// act -> reply; the pure decisions live in core (plan_fragment, negotiate_protocol).
#include "service/upload_service.hpp"

#include "core/upload_path.hpp"
#include "service/admission.hpp"
#include "service/random_id.hpp"

#include <limits>
#include <string>

namespace bits::service {

namespace {

/// The answer to a packet whose session could not be leased: ask again (busy), or the
/// error Ack.
outcome lease_refused(status const& failure, core::session_id const& id) {
  if (failure == error::session_busy) return {{}, nullptr, true};
  return {session_error(failure, id, std::nullopt), nullptr, false};
}

outcome answer(core::reply r) {
  return {std::move(r), nullptr, false};
}

}  // namespace

upload_service::upload_service(vdir_policy policy, service_options options,
                               std::unique_ptr<storage::upload_store> store, clock_fn clock)
    : url_(policy.url), dir_(std::move(policy), options, std::move(store), std::move(clock)) {}

void upload_service::set_policy(vdir_policy next) {
  next.url = url_;
  dir_.quotas.set_limits(next.max_sessions, next.max_spool_bytes, next.evict_idle_after.count());
  dir_.policy.publish(std::move(next));
}

status_or<std::vector<std::string>> upload_service::recover() {
  auto report = dir_.store->recover();
  if (!report) return report.error();
  for (auto& rec : report->sessions) {
    auto const last_activity = rec.last_activity;
    dir_.adopt(std::move(rec), last_activity);
  }
  auto const now = dir_.clock();
  auto const oldest = now - dir_.options.tombstone_ttl.count();
  for (auto const& t : report->tombstones) {
    if (t.at >= oldest) dir_.sessions.restore_tombstone(t);
  }
  // Deletes what expired while the daemon was down; failures are retried by maintain().
  static_cast<void>(dir_.store->maintain_tombstones(now, oldest));
  return std::move(report->discarded);
}

outcome upload_service::handle(packet const& p, request_context const& ctx) {
  switch (p.type) {
    case core::packet_type::ping:
      return answer(handle_ping());
    case core::packet_type::create_session:
      return answer(handle_create(p, ctx));
    case core::packet_type::fragment:
      return handle_fragment(p, ctx);
    case core::packet_type::close_session:
      return handle_close(p, ctx);
    case core::packet_type::cancel_session:
      return handle_cancel(p, ctx);
    case core::packet_type::ack:
      break;
  }
  return answer(core::make_error_ack(error::unknown_packet_type));
}

core::reply upload_service::handle_ping() const {
  return core::make_ack();
}

// Create-Session (reference 3.2): negotiate, check the destination, open a spool entry.
core::reply upload_service::handle_create(packet const& p, request_context const& ctx) {
  auto const protocol = core::negotiate_protocol(*p.protocols);
  if (!protocol) return core::make_error_ack(error::no_common_protocol);
  std::string destination = core::join_segments(*ctx.destination);
  if (auto refused = check_new_upload(destination)) return error_ack(refused);
  auto id = random_session_id();
  if (!id) return error_ack(id.error());

  auto const now = dir_.clock();
  storage::session_record rec;
  rec.id = *id;
  rec.destination = std::move(destination);
  rec.principal = std::string(ctx.principal);
  rec.created = now;
  rec.last_activity = now;
  rec.client_address = std::string(address_of(ctx.remote));
  auto s = std::make_shared<session>(std::move(rec));
  dir_.hook_points.started(*s);
  s->active_at.store(now, std::memory_order_relaxed);
  s->created_by = std::string(ctx.remote);
  s->created_under = &dir_.policy.get();
  if (auto refused = admit_session(dir_, *s, ctx.principal, ctx.remote, now)) {
    return std::move(*refused);
  }
  // The spool entry waits for the first bytes where the store allows it (a session
  // lost before them is started again by its client), except with strict durability.
  if (dir_.store->deferred_create() && !dir_.strict_sync()) {
    s->in_spool = false;
  } else if (auto failed = create_entry(*s)) {
    return error_ack(failed);
  }
  dir_.sessions.insert(std::move(s));
  session_counters::bump(dir_.counters.created);

  core::reply r = session_ack(*id);
  r.set(core::header::protocol, std::string(*protocol));
  r.set(core::header::accept_encoding, "identity");
  if (!dir_.policy.get().host_id.empty()) {
    r.set(core::header::host_id, dir_.policy.get().host_id);
    r.set(core::header::host_id_fallback_timeout,
          std::to_string(dir_.policy.get().host_id_fallback_timeout.count()));
  }
  return r;
}

status upload_service::check_new_upload(std::string const& destination) {
  if (destination.empty()) return error::destination_is_directory;
  // Upload-reply directories hand the file to the application instead of storing it, so
  // the URL need not name a place on disk (it is checked at commit if the application
  // asks for a copy).
  if (dir_.policy.get().notification_type == notification_type::none) {
    if (auto refused =
            dir_.store->check_destination(destination, dir_.policy.get().allow_overwrites)) {
      return refused;
    }
  }
  if (!has_room(0)) return error::disk_full;
  return {};
}

status upload_service::create_entry(session& s) {
  auto ec = dir_.store->create(s.record);
  // Strict durability: the session the Ack announces survives power loss too.
  if (!ec && dir_.strict_sync()) {
    ec = dir_.store->save(s.record, true);
    if (ec) (void)dir_.store->discard(s.record.id);
  }
  if (ec) dir_.quotas.release(s);
  return ec;
}

bool upload_service::has_room(std::uint64_t bytes) const {
  if (dir_.policy.get().min_free_disk == 0) return true;
  auto const free = dir_.store->free_bytes();
  // A filesystem that cannot say refuses nothing: the writes themselves will tell.
  return !free || *free >= dir_.policy.get().min_free_disk + bytes;
}

status_or<storage::readable_file> upload_service::open_reply(std::string_view token) {
  auto id = dir_.replies.find(token);
  if (!id) {
    // A session of another node sharing the store: loaded, its token then known here.
    auto const found = dir_.store->find_reply(token);
    if (!found) return found.error();
    if (dir_.sessions.find(*found)) {
      // Held here from before the application answered on another node: stale.
      auto lease = dir_.sessions.lease(*found);
      if (!lease) return lease.error();
      std::lock_guard lock((*lease)->mu);
      if ((*lease)->record.reply_token != token) dir_.drop_local(**lease);
    }
    if (auto failed = load_session(*found)) return failed;
    id = dir_.replies.find(token);
    if (!id) return error::session_not_found;
  }
  auto s = dir_.sessions.find(*id);
  if (!s) return error::session_not_found;
  std::lock_guard lock(s->mu);
  if (s->gone || dir_.is_expired(*s, dir_.clock())) return error::session_not_found;
  return dir_.store->open_reply(*id);
}

status upload_service::load_session(core::session_id const& id) {
  // One load at a time: two packets of a session new to this node must not both add it.
  std::lock_guard lock(load_mu_);
  if (dir_.sessions.find(id) || dir_.sessions.find_tombstone(id)) return {};
  auto rec = dir_.store->load(id);
  if (!rec) {
    // Ended on another node (its tombstone is in the store), or unknown; a store that
    // cannot be asked now is the client's to retry, never a reason to start over.
    if (rec.error() != error::session_not_found) return rec.error();
    if (auto t = dir_.store->find_tombstone(id)) dir_.sessions.restore_tombstone(*t);
    return {};
  }
  dir_.adopt(std::move(*rec), dir_.clock());
  return {};
}

status_or<session_lease> upload_service::acquire(core::session_id const& id,
                                                 request_context const& ctx) {
  auto lease = dir_.sessions.lease(id);
  if (!lease && lease.error() == error::session_not_found && !dir_.sessions.find_tombstone(id)) {
    // Created by another node sharing the store, or before this node restarted.
    if (auto failed = load_session(id)) return failed;
    lease = dir_.sessions.lease(id);
  }
  if (!lease) return lease.error();
  session& s = **lease;
  std::lock_guard lock(s.mu);
  auto const now = dir_.clock();
  if (dir_.is_expired(s, now)) {
    // Expired between two cleanups: behave exactly as if the cleanup had run.
    dir_.hook_points.ended(s, hooks::event_type::post_expire, now);
    dir_.end_session(s, std::nullopt);
    session_counters::bump(dir_.counters.expired);
    return error::session_not_found;
  }
  // A session is bound to the URL it was created for (reference 3.3 step 2).
  if (s.record.destination != core::join_segments(*ctx.destination)) {
    return error::session_not_found;
  }
  if (s.record.principal != ctx.principal) return error::access_denied;
  s.active_at.store(now, std::memory_order_relaxed);
  return std::move(*lease);
}

// Fragment (reference 3.3, 5.2): plan against what is held; the body follows.
outcome upload_service::handle_fragment(packet const& p, request_context const& ctx) {
  auto const& id = *p.session;
  auto lease = acquire(id, ctx);
  if (!lease) {
    // Its whole file was published in one Fragment and the daemon restarted before the
    // Close: the resent last fragment is answered as received in full.
    auto const& range = *p.range;
    if (lease.error() == error::session_not_found && range.end() == range.total &&
        dir_.sessions.find_tombstone(id) == tombstone::committed) {
      core::reply r = core::make_ack();
      r.set(core::header::session_id, id.to_string());
      r.set(core::header::received_content_range, std::to_string(range.total));
      return answer(std::move(r));
    }
    return lease_refused(lease.error(), id);
  }
  session& s = **lease;
  std::unique_lock lock(s.mu);
  auto const& policy = s.created_under != nullptr ? *s.created_under : dir_.policy.get();

  if (p.range->first > s.record.received && s.record.state == storage::session_state::receiving) {
    // Another node of a farm may have received these bytes meanwhile.
    auto durable = dir_.store->catch_up(id, s.record.received);
    if (!durable) return answer(session_error(durable.error(), id, s.record.received));
    if (*durable > s.record.received) {
      s.record.received = *durable;
      s.durable = *durable;
    }
  }

  // Files are addressed with off_t: nothing above 2^63 - 1 can ever be stored.
  constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  auto const max_upload =
      policy.max_upload_size == 0 ? largest : std::min(policy.max_upload_size, largest);
  core::upload_progress const held{s.record.received, s.record.total};
  auto plan = core::plan_fragment(held, *p.range, {max_upload, policy.max_fragment_size});
  if (!plan) return answer(session_error(plan.error(), id, held.received));

  auto writer = s.in_spool ? prepare_fragment(s, *p.range, *plan) : first_bytes(s, *p.range, *plan);
  if (!writer) return answer(session_error(writer.error(), id, held.received));
  lock.unlock();
  return {{},
          std::make_unique<fragment_job>(
              job_env(), std::move(*lease), *plan, p.content_length, std::move(*writer),
              request_url{std::string(ctx.scheme), std::string(ctx.host), std::string(ctx.target)}),
          false};
}

status_or<std::unique_ptr<storage::data_writer>> upload_service::prepare_fragment(
    session& s, core::content_range const& range, core::fragment_plan const& plan) {
  // Refuse before the disk fills rather than fail in the middle of the body.
  if (plan.write_length > 0 && !has_room(plan.write_length)) return error::disk_full;
  if (!s.record.total) {
    // The declared size must fit on the disk as a whole: refuse now, not near the end.
    if (!has_room(range.total - s.record.received)) return error::disk_full;
    if (!dir_.quotas.reserve_spool(s, range.total)) return error::disk_full;
    // The first accepted fragment fixes the total; persist it so a restart keeps it.
    s.record.total = range.total;
    if (auto ec = dir_.store->save(s.record, false)) {
      s.record.total.reset();
      dir_.quotas.release_spool(s);  // the retry reserves again
      return ec;
    }
  }
  if (plan.write_length == 0) return std::unique_ptr<storage::data_writer>{};
  return dir_.store->open_data(s.record.id);
}

status_or<std::unique_ptr<storage::data_writer>> upload_service::first_bytes(
    session& s, core::content_range const& range, core::fragment_plan const& plan) {
  bool const whole = plan.completes_upload && plan.write_offset == 0 &&
                     plan.write_length == range.total && range.total > 0 &&
                     dir_.policy.get().notification_type == notification_type::none;
  if (!whole) {
    // Bytes to keep across requests: the spool entry now, then as any session.
    if (auto ec = dir_.store->create(s.record)) return ec;
    s.in_spool = true;
    return prepare_fragment(s, range, plan);
  }
  if (!has_room(range.total)) return error::disk_full;
  // Reserved once: a resend after a cut body finds the total fixed and reserved.
  bool const first = !s.record.total;
  if (first && !dir_.quotas.reserve_spool(s, range.total)) return error::disk_full;
  s.record.total = range.total;
  auto writer = dir_.store->open_whole(s.record);
  if (!writer) {
    if (first) {
      s.record.total.reset();
      dir_.quotas.release_spool(s);
    }
    return writer.error();
  }
  s.in_spool = (*writer)->spooled();
  return writer;
}

fragment_env upload_service::job_env() {
  return {dir_.policy.get(), *dir_.store,  dir_.clock,       dir_.strict_sync(), dir_.quotas,
          dir_.counters,     dir_.replies, dir_.hook_points, dir_.on_commit};
}

// Close-Session (reference 3.4, 6.2): the file was committed when its last byte
// arrived; a session without any fragment is a zero-byte upload; a partial one is
// discarded. A replayed Close is answered from the tombstone.
outcome upload_service::handle_close(packet const& p, request_context const& ctx) {
  auto const& id = *p.session;
  auto lease = acquire(id, ctx);
  if (!lease) {
    auto const how = dir_.sessions.find_tombstone(id);
    if (lease.error() == error::session_not_found &&
        (how == tombstone::closed || how == tombstone::committed)) {
      return answer(session_ack(id));
    }
    return lease_refused(lease.error(), id);
  }
  session& s = **lease;
  std::lock_guard lock(s.mu);
  auto const& rec = s.record;
  bool const empty_upload = rec.state == storage::session_state::receiving && !rec.total &&
                            rec.received == 0 &&
                            dir_.policy.get().notification_type == notification_type::none;
  if (empty_upload) {
    // The entry first, so that a commit cut short by a crash is finished by the resent
    // Close after the restart.
    if (!s.in_spool) {
      if (auto ec = dir_.store->create(rec)) return answer(session_error(ec, id, rec.received));
      s.in_spool = true;
    }
    auto const began = std::chrono::steady_clock::now();
    if (auto ec = dir_.store->commit(rec, dir_.policy.get().allow_overwrites)) {
      return answer(session_error(ec, id, rec.received));
    }
    s.record.state = storage::session_state::complete;
    session_counters::bump(dir_.counters.committed);
    if (dir_.on_commit) dir_.on_commit(rec, std::chrono::steady_clock::now() - began);
  }
  // Hooks: the post-commit event of an empty upload, before this Ack.
  if (auto ec = dir_.hook_points.committed(s, dir_.clock())) {
    return answer(session_error(ec, id, rec.received));
  }
  dir_.end_session(s, tombstone::closed);
  return answer(session_ack(id));
}

// Cancel-Session (reference 3.5): drop everything; a committed file stays.
outcome upload_service::handle_cancel(packet const& p, request_context const& ctx) {
  auto const& id = *p.session;
  auto lease = acquire(id, ctx);
  if (!lease) {
    if (lease.error() == error::session_not_found && dir_.sessions.find_tombstone(id)) {
      return answer(session_ack(id));
    }
    return lease_refused(lease.error(), id);
  }
  session& s = **lease;
  std::lock_guard lock(s.mu);
  dir_.hook_points.ended(s, hooks::event_type::post_cancel, dir_.clock());
  dir_.end_session(s, tombstone::cancelled);
  session_counters::bump(dir_.counters.cancelled);
  return answer(session_ack(id));
}

}  // namespace bits::service

namespace bits::service {

std::vector<upload_service::session_view> upload_service::session_views() const {
  auto const open = dir_.sessions.snapshot();
  std::vector<session_view> out;
  out.reserve(open.size());
  for (auto const& s : open) {
    std::unique_lock lock(s->mu, std::try_to_lock);
    if (!lock.owns_lock() || s->gone) continue;
    auto const& rec = s->record;
    session_view v;
    v.id_prefix = rec.id.to_hex().substr(0, 8);
    v.destination = rec.destination;
    v.principal = rec.principal;
    v.address = s->created_by;
    v.received = rec.received;
    v.total = rec.total;
    v.created = rec.created;
    v.complete = rec.state == storage::session_state::complete;
    lock.unlock();
    v.active_at = s->active_at.load(std::memory_order_relaxed);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace bits::service
