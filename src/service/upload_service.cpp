// Packet handlers of one virtual directory. Each is parse -> acquire -> decide -> act ->
// reply; the pure decisions live in core (plan_fragment, negotiate_protocol).
#include "service/upload_service.hpp"

#include "core/upload_path.hpp"
#include "core/wire_error.hpp"

#include <sys/random.h>

#include <cerrno>
#include <limits>
#include <string>

namespace bits::service {

core::session_id random_session_id() {
  core::session_id::bytes_type bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    // getrandom on 16 bytes never returns short once the pool is initialised; loop for
    // EINTR all the same. There is no fallback: an id must never be guessable.
    ssize_t const n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  return core::session_id(bytes);
}

error to_bits_error(boost::system::error_code ec) noexcept {
  if (ec.category() == bits_category()) return static_cast<error>(ec.value());
  return error::storage_failure;
}

core::reply session_error(error e, core::session_id const& id,
                          std::optional<std::uint64_t> received) {
  core::reply r = core::make_error_ack(e);
  r.set(core::header::session_id, id.to_string());
  if (received) r.set(core::header::received_content_range, std::to_string(*received));
  return r;
}

namespace {

core::reply session_ack(core::session_id const& id) {
  core::reply r = core::make_ack();
  r.set(core::header::session_id, id.to_string());
  return r;
}

}  // namespace

upload_service::upload_service(vdir_policy policy, service_options options,
                               std::unique_ptr<storage::upload_store> store, clock_fn clock)
    : policy_(std::move(policy)),
      options_(options),
      store_(std::move(store)),
      clock_(std::move(clock)),
      quotas_(policy_.max_sessions, policy_.max_spool_bytes, policy_.evict_idle_after.count()),
      sessions_(store_.get(), options_.sync_interval.count() == 0) {}

result<std::vector<std::string>> upload_service::recover() {
  auto report = store_->recover();
  if (!report) return report.error();
  for (auto& rec : report->sessions) {
    auto s = std::make_shared<session>(std::move(rec));
    s->durable = s->record.received;
    s->active_at.store(s->record.last_activity, std::memory_order_relaxed);
    remember_reply(s->record);
    // The client address of an anonymous session is not recorded: it counts for the
    // directory only.
    auto owner = s->record.principal.empty() ? std::string() : "user:" + s->record.principal;
    bool const receiving = s->record.state == storage::session_state::receiving;
    quotas_.restore(*s, std::move(owner), !receiving, receiving ? s->record.total.value_or(0) : 0);
    sessions_.insert(std::move(s));
  }
  auto const now = clock_();
  auto const oldest = now - options_.tombstone_ttl.count();
  for (auto const& t : report->tombstones) {
    if (t.at >= oldest) sessions_.restore_tombstone(t);
  }
  // Deletes what expired while the daemon was down; failures are retried by maintain().
  static_cast<void>(store_->maintain_tombstones(now, oldest));
  return std::move(report->discarded);
}

outcome upload_service::handle(packet const& p, request_context const& ctx) {
  switch (p.type) {
    case core::packet_type::ping:
      return {handle_ping(), nullptr, false};
    case core::packet_type::create_session:
      return {handle_create(p, ctx), nullptr, false};
    case core::packet_type::fragment:
      return handle_fragment(p, ctx);
    case core::packet_type::close_session:
      return handle_close(p, ctx);
    case core::packet_type::cancel_session:
      return handle_cancel(p, ctx);
    case core::packet_type::ack:
      break;
  }
  return {core::make_error_ack(error::unknown_packet_type), nullptr, false};
}

core::reply upload_service::handle_ping() const {
  return core::make_ack();
}

// Create-Session (reference 3.2): negotiate, check the destination, open a spool entry.
core::reply upload_service::handle_create(packet const& p, request_context const& ctx) {
  auto const protocol = core::negotiate_protocol(*p.protocols);
  if (!protocol) return core::make_error_ack(error::no_common_protocol);

  std::string const destination = core::join_segments(*ctx.destination);
  if (ctx.destination->empty()) return core::make_error_ack(error::destination_is_directory);
  // Upload-reply directories hand the file to the application instead of storing it, so
  // the URL need not name a place on disk (it is checked at commit if the application
  // asks for a copy).
  if (policy_.notification_type == notification_type::none) {
    if (auto ec = store_->check_destination(destination, policy_.allow_overwrites)) {
      return core::make_error_ack(to_bits_error(ec));
    }
  }

  if (policy_.min_free_disk > 0) {
    auto const free = store_->free_bytes();
    if (free && *free < policy_.min_free_disk) return core::make_error_ack(error::disk_full);
  }
  auto const now = clock_();
  storage::session_record rec;
  rec.id = random_session_id();
  rec.destination = destination;
  rec.principal = std::string(ctx.principal);
  rec.created = now;
  rec.last_activity = now;
  auto s = std::make_shared<session>(rec);
  s->active_at.store(now, std::memory_order_relaxed);
  if (auto refused = admit(*s, ctx, now)) return std::move(*refused);
  if (auto ec = store_->create(rec)) {
    quotas_.release(*s);
    return core::make_error_ack(to_bits_error(ec));
  }
  // Strict durability: the session the Ack announces survives power loss too.
  if (options_.sync_interval.count() == 0) {
    if (auto ec = store_->save(rec, true)) {
      (void)store_->discard(rec.id);
      quotas_.release(*s);
      return core::make_error_ack(to_bits_error(ec));
    }
  }
  sessions_.insert(std::move(s));
  session_counters::bump(counters_.created);

  core::reply r = session_ack(rec.id);
  r.set(core::header::protocol, std::string(*protocol));
  r.set(core::header::accept_encoding, "identity");
  if (!policy_.host_id.empty()) {
    r.set(core::header::host_id, policy_.host_id);
    r.set(core::header::host_id_fallback_timeout,
          std::to_string(policy_.host_id_fallback_timeout.count()));
  }
  return r;
}

std::string upload_service::reply_url(storage::session_record const& rec, std::string_view scheme,
                                      std::string_view host) const {
  if (!rec.reply_url.empty()) return rec.reply_url;  // the application's static URL
  // Unguessable and per session; never the session id itself (reference 7.5).
  return absolute_url(
      scheme, host,
      policy_.url + std::string(core::reserved_name_prefix) + "reply/" + rec.reply_token);
}

void upload_service::remember_reply(storage::session_record const& rec) {
  if (rec.reply_token.empty()) return;
  std::lock_guard lock(replies_mu_);
  replies_.insert_or_assign(rec.reply_token, rec.id);
}

result<storage::readable_file> upload_service::open_reply(std::string_view token) {
  core::session_id id;
  {
    std::lock_guard lock(replies_mu_);
    auto it = replies_.find(std::string(token));
    if (it == replies_.end()) return error::session_not_found;
    id = it->second;
  }
  auto s = sessions_.find(id);
  if (!s) return error::session_not_found;
  std::lock_guard lock(s->mu);
  if (s->gone || is_expired(*s, clock_())) return error::session_not_found;
  return store_->open_reply(id);
}

bool upload_service::is_expired(session const& s, std::int64_t now) const {
  return now - s.record.last_activity > policy_.session_timeout.count();
}

void upload_service::load_session(core::session_id const& id) {
  // One load at a time: two packets of a session new to this node must not both add it.
  std::lock_guard lock(load_mu_);
  if (sessions_.find(id) || sessions_.find_tombstone(id)) return;
  auto rec = store_->load(id);
  if (!rec) return;  // not in the store (the local store never has such sessions)
  auto s = std::make_shared<session>(std::move(*rec));
  s->durable = s->record.received;
  s->active_at.store(clock_(), std::memory_order_relaxed);
  remember_reply(s->record);
  auto owner = s->record.principal.empty() ? std::string() : "user:" + s->record.principal;
  bool const receiving = s->record.state == storage::session_state::receiving;
  quotas_.restore(*s, std::move(owner), !receiving, receiving ? s->record.total.value_or(0) : 0);
  sessions_.insert(std::move(s));
}

result<session_lease> upload_service::acquire(core::session_id const& id,
                                              request_context const& ctx) {
  auto lease = sessions_.lease(id);
  if (!lease && lease.error() == error::session_not_found && !sessions_.find_tombstone(id)) {
    // Created by another node sharing the store, or before this node restarted.
    load_session(id);
    lease = sessions_.lease(id);
  }
  if (!lease) return lease.error();
  session& s = **lease;
  std::lock_guard lock(s.mu);
  auto const now = clock_();
  if (is_expired(s, now)) {
    // Expired between two cleanups: behave exactly as if the cleanup had run.
    finish_session(s, std::nullopt);
    session_counters::bump(counters_.expired);
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

void upload_service::finish_session(session& s, std::optional<tombstone> how) {
  // Caller holds s.mu. The tombstone is recorded (forget) before the spool entry goes,
  // so a crash in between leaves an entry that recovery removes, never an ended session
  // that nothing remembers. A failed discard leaves files in the spool; the next
  // start-up recovers or removes them, so the protocol answer does not depend on it.
  sessions_.forget(s.record.id, how, clock_());
  (void)store_->discard(s.record.id);
  s.gone = true;
  quotas_.release(s);
  if (!s.record.reply_token.empty()) {
    std::lock_guard lock(replies_mu_);
    replies_.erase(s.record.reply_token);
  }
}

// Fragment (reference 3.3, 5.2): plan against what is held; the body follows.
outcome upload_service::handle_fragment(packet const& p, request_context const& ctx) {
  auto const& id = *p.session;
  auto lease = acquire(id, ctx);
  if (!lease) {
    if (lease.error() == error::session_busy) return {{}, nullptr, true};
    return {session_error(to_bits_error(lease.error()), id, std::nullopt), nullptr, false};
  }
  session& s = **lease;
  std::unique_lock lock(s.mu);
  core::upload_progress const held{s.record.received, s.record.total};
  // Files are addressed with off_t: nothing above 2^63 - 1 can ever be stored.
  constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  auto const max_upload =
      policy_.max_upload_size == 0 ? largest : std::min(policy_.max_upload_size, largest);
  core::fragment_limits const limits{max_upload, policy_.max_fragment_size};
  auto plan = core::plan_fragment(held, *p.range, limits);
  if (!plan) {
    return {session_error(to_bits_error(plan.error()), id, held.received), nullptr, false};
  }
  if (plan->write_length > 0 && policy_.min_free_disk > 0) {
    // Refuse before the disk fills rather than fail in the middle of the body.
    auto const free = store_->free_bytes();
    if (free && *free < policy_.min_free_disk + plan->write_length) {
      return {session_error(error::disk_full, id, held.received), nullptr, false};
    }
  }
  if (!s.record.total) {
    // The declared size must fit on the disk as a whole: refuse now, not near the end.
    if (policy_.min_free_disk > 0) {
      auto const free = store_->free_bytes();
      if (free && *free < policy_.min_free_disk + (p.range->total - held.received)) {
        return {session_error(error::disk_full, id, held.received), nullptr, false};
      }
    }
    if (!quotas_.reserve_spool(s, p.range->total)) {
      return {session_error(error::disk_full, id, held.received), nullptr, false};
    }
    // The first accepted fragment fixes the total; persist it so a restart keeps it.
    s.record.total = p.range->total;
    if (auto ec = store_->save(s.record, false)) {
      s.record.total.reset();
      quotas_.release_spool(s);  // the retry reserves again
      return {session_error(to_bits_error(ec), id, held.received), nullptr, false};
    }
  }
  std::unique_ptr<storage::data_writer> writer;
  if (plan->write_length > 0) {
    auto w = store_->open_data(id);
    if (!w) return {session_error(to_bits_error(w.error()), id, held.received), nullptr, false};
    writer = std::move(*w);
  }
  lock.unlock();
  auto job = std::make_unique<fragment_job>(*this, std::move(*lease), *plan, p.content_length,
                                            std::move(writer), std::string(ctx.scheme),
                                            std::string(ctx.host), std::string(ctx.target));
  return {{}, std::move(job), false};
}

// Close-Session (reference 3.4, 6.2): the file was committed when its last byte
// arrived; a session without any fragment is a zero-byte upload; a partial one is
// discarded. A replayed Close is answered from the tombstone.
outcome upload_service::handle_close(packet const& p, request_context const& ctx) {
  auto const& id = *p.session;
  auto lease = acquire(id, ctx);
  if (!lease) {
    if (lease.error() == error::session_busy) return {{}, nullptr, true};
    if (lease.error() == error::session_not_found &&
        sessions_.find_tombstone(id) == tombstone::closed) {
      return {session_ack(id), nullptr, false};
    }
    return {session_error(to_bits_error(lease.error()), id, std::nullopt), nullptr, false};
  }
  session& s = **lease;
  std::lock_guard lock(s.mu);
  auto& rec = s.record;
  if (rec.state == storage::session_state::receiving && !rec.total && rec.received == 0 &&
      policy_.notification_type == notification_type::none) {
    if (auto ec = store_->commit(rec, policy_.allow_overwrites)) {
      return {session_error(to_bits_error(ec), id, rec.received), nullptr, false};
    }
    session_counters::bump(counters_.committed);
  }
  finish_session(s, tombstone::closed);
  return {session_ack(id), nullptr, false};
}

// Cancel-Session (reference 3.5): drop everything; a committed file stays.
outcome upload_service::handle_cancel(packet const& p, request_context const& ctx) {
  auto const& id = *p.session;
  auto lease = acquire(id, ctx);
  if (!lease) {
    if (lease.error() == error::session_busy) return {{}, nullptr, true};
    if (lease.error() == error::session_not_found && sessions_.find_tombstone(id)) {
      return {session_ack(id), nullptr, false};
    }
    return {session_error(to_bits_error(lease.error()), id, std::nullopt), nullptr, false};
  }
  session& s = **lease;
  std::lock_guard lock(s.mu);
  finish_session(s, tombstone::cancelled);
  session_counters::bump(counters_.cancelled);
  return {session_ack(id), nullptr, false};
}

}  // namespace bits::service
