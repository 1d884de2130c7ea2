// Streaming one Fragment body into the spool. The session's offset advances with every
// chunk written, so what an interrupted body leaves behind is always consistent.
#include "service/fragment_job.hpp"

#include "service/upload_service.hpp"

#include <algorithm>

namespace bits::service {

fragment_job::fragment_job(upload_service& svc, session_lease lease, core::fragment_plan plan,
                           std::uint64_t body_length, std::unique_ptr<storage::data_writer> writer)
    : svc_(svc),
      lease_(std::move(lease)),
      plan_(plan),
      body_length_(body_length),
      writer_(std::move(writer)) {}

fragment_job::~fragment_job() = default;

boost::system::error_code fragment_job::write(std::span<std::byte const> bytes) {
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
  s.record.received = offset + bytes.size();
  if (!s.dirty) {
    s.dirty = true;
    s.dirty_since = svc_.clock_();
  }
  return {};
}

core::reply fragment_job::finish() {
  session& s = *lease_;
  auto const id = s.record.id;
  std::lock_guard lock(s.mu);
  auto& rec = s.record;
  rec.last_activity = svc_.clock_();
  bool const receiving = rec.state == storage::session_state::receiving;

  if (plan_.completes_upload && receiving) {
    // The last byte is here: publish now, before the Ack (reference 6.3).
    if (auto ec = svc_.store_->commit(rec, svc_.policy_.allow_overwrites)) {
      core::reply r = session_error(to_bits_error(ec), id, rec.received);
      lease_.release();
      return r;
    }
    rec.state = storage::session_state::complete;
    s.dirty = false;
    s.durable = rec.received;
  } else if (receiving && s.dirty && svc_.options_.sync_interval.count() == 0) {
    // Strict durability: what this Ack reports survives power loss.
    auto ec = writer_ ? writer_->sync() : boost::system::error_code{};
    if (!ec) ec = svc_.store_->save(rec, true);
    if (ec) {
      core::reply r = session_error(to_bits_error(ec), id, s.durable);
      lease_.release();
      return r;
    }
    s.dirty = false;
    s.durable = rec.received;
  }

  core::reply r = core::make_ack();
  r.set(core::header::session_id, id.to_string());
  r.set(core::header::received_content_range, std::to_string(rec.received));
  lease_.release();
  return r;
}

core::reply fragment_job::fail(boost::system::error_code ec) {
  session& s = *lease_;
  std::uint64_t received = 0;
  {
    std::lock_guard lock(s.mu);
    received = s.record.received;
  }
  core::reply r = session_error(to_bits_error(ec), s.record.id, received);
  lease_.release();
  return r;
}

void fragment_job::abort() noexcept {
  lease_.release();
}

}  // namespace bits::service
