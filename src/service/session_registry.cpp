// Session registry: a mutex-guarded map held only for lookups, never during I/O.
#include "service/session_registry.hpp"

namespace bits::service {

session_lease& session_lease::operator=(session_lease&& other) noexcept {
  if (this != &other) {
    release();
    s_ = std::move(other.s_);
  }
  return *this;
}

void session_lease::release() noexcept {
  if (s_) {
    s_->leased.store(false, std::memory_order_release);
    s_.reset();
  }
}

void session_registry::insert(std::shared_ptr<session> s) {
  std::lock_guard lock(mu_);
  auto const id = s->record.id;
  open_.insert_or_assign(id, std::move(s));
}

status_or<session_lease> session_registry::lease(core::session_id const& id) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(mu_);
    auto it = open_.find(id);
    if (it == open_.end()) return error::session_not_found;
    s = it->second;
  }
  if (s->leased.exchange(true, std::memory_order_acquire)) return error::session_busy;
  return session_lease(std::move(s));
}

std::shared_ptr<session> session_registry::find(core::session_id const& id) const {
  std::lock_guard lock(mu_);
  auto it = open_.find(id);
  return it == open_.end() ? nullptr : it->second;
}

void session_registry::forget(core::session_id const& id, std::optional<tombstone> how,
                              std::int64_t now) {
  // Outside mu_: the journal may block on disk. A failed write only loses the
  // tombstone's survival of a restart; the answer to this packet does not change.
  if (how) static_cast<void>(journal_.add_tombstone({id, *how, now}, durable_));
  std::lock_guard lock(mu_);
  open_.erase(id);
  if (how) ended_.insert_or_assign(id, ended{*how, now});
}

void session_registry::restore_tombstone(storage::tombstone_record const& t) {
  std::lock_guard lock(mu_);
  ended_.insert_or_assign(t.id, ended{t.how, t.at});
}

std::optional<tombstone> session_registry::find_tombstone(core::session_id const& id) const {
  std::lock_guard lock(mu_);
  auto it = ended_.find(id);
  if (it == ended_.end()) return std::nullopt;
  return it->second.how;
}

void session_registry::prune_tombstones(std::int64_t oldest) {
  std::lock_guard lock(mu_);
  std::erase_if(ended_, [oldest](auto const& kv) { return kv.second.at < oldest; });
}

std::vector<std::shared_ptr<session>> session_registry::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<session>> out;
  out.reserve(open_.size());
  for (auto const& [id, s] : open_) out.push_back(s);
  return out;
}

std::size_t session_registry::size() const {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace bits::service
