// The outbox: an index of pending events over the journal, delivery workers, and the
// maintenance thread that syncs acknowledgements and retires old segments.
#include "hooks/outbox.hpp"

#include "core/number_text.hpp"

#include <algorithm>
#include <cstring>

namespace bits::hooks {
namespace {

std::optional<std::array<std::uint8_t, 16>> key_of(std::string_view id) {
  if (!detail::valid_event_id(id)) return std::nullopt;
  auto const bytes = core::parse_hex_bytes(id);
  std::array<std::uint8_t, 16> k{};
  std::memcpy(k.data(), bytes->data(), k.size());
  return k;
}

std::string round_seconds(std::chrono::milliseconds d) {
  return std::to_string((d.count() + 500) / 1000) + " s";
}

}  // namespace

std::size_t outbox::key_hash::operator()(event_key const& k) const noexcept {
  std::size_t h = 0;
  std::memcpy(&h, k.data(), sizeof h);  // ids are hashes or random already
  return h;
}

outbox::outbox(outbox_options options, std::shared_ptr<hook> target)
    : options_(std::move(options)),
      target_(std::move(target)),
      journal_(options_.dir, options_.segment_bytes),
      random_(std::random_device{}()) {}

outbox::~outbox() {
  stop();
}

result<std::unique_ptr<outbox>> outbox::open(outbox_options options, std::shared_ptr<hook> target) {
  std::unique_ptr<outbox> box(new outbox(std::move(options), std::move(target)));
  auto contents = box->journal_.load();
  if (!contents) return contents.error();
  std::lock_guard const lock{box->mu_};
  for (auto const& [seq, events] : contents->segments) box->segments_[seq].events = events;
  auto const now = clock::now();
  for (auto const& e : contents->pending) {
    auto const k = key_of(e.message.id);
    if (!k) continue;  // parse_record accepts valid ids only
    auto& en = box->entries_[*k];
    en.where = e.where;
    en.due = now;
    box->enqueue_locked(*k, en);
    ++box->segments_[e.where.segment].live;
  }
  box->live_.pending.store(box->entries_.size());
  if (!box->entries_.empty()) {
    box->log(log_level::info, "hooks: " + std::to_string(box->entries_.size()) +
                                  " events recorded before the restart are pending for " +
                                  box->target_->describe());
  }
  return box;
}

error_code outbox::record(event const& e) {
  return record(make_message(e));
}

error_code outbox::record(event_message const& m) {
  auto const k = key_of(m.id);
  if (!k || m.json.size() > detail::max_event_json || m.json.find('\n') != std::string::npos) {
    return make_error_code(boost::system::errc::invalid_argument);
  }
  std::uint64_t floor = 0;
  {
    std::lock_guard const lock{mu_};
    if (entries_.contains(*k)) {
      // Recorded already (a retried commit): durable once the sync under way is done.
      return journal_.sync();
    }
    entries_[*k].state = entry_state::recording;
    floor = journal_.append_floor();
    append_floors_.insert(floor);
  }
  auto where = journal_.append_events({m});
  std::lock_guard const lock{mu_};
  append_floors_.erase(append_floors_.find(floor));
  if (!where) {
    entries_.erase(*k);
    if (entries_.empty()) idle_cv_.notify_all();
    return where.error();
  }
  auto& e = entries_[*k];
  e.where = where->front();
  e.due = clock::now();
  note_append_locked(e.where);
  ++segments_[e.where.segment].live;
  enqueue_locked(*k, e);
  ++counts_.recorded;
  live_.recorded.fetch_add(1);
  live_.pending.store(entries_.size());
  work_cv_.notify_one();
  return {};
}

void outbox::note_append_locked(detail::record_location const& where) {
  ++segments_[where.segment].events;
}

void outbox::enqueue_locked(event_key const& k, entry& e) {
  e.state = entry_state::waiting;
  due_.emplace(e.due, k);
}

void outbox::start() {
  std::lock_guard const lock{mu_};
  if (running_) return;
  running_ = true;
  stopping_ = false;
  for (unsigned i = 0; i < std::max(1U, options_.concurrency); ++i) {
    threads_.emplace_back([this] { worker(); });
  }
  threads_.emplace_back([this] { maintainer(); });
}

void outbox::stop() {
  {
    std::lock_guard const lock{mu_};
    if (!running_) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  maint_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (auto ec = journal_.sync()) {
    log(log_level::error, "hooks: cannot sync the outbox: " + ec.message());
  }
  std::lock_guard const lock{mu_};
  running_ = false;
}

outbox_counters outbox::counters() const {
  std::lock_guard const lock{mu_};
  outbox_counters c = counts_;
  c.pending = entries_.size();
  return c;
}

bool outbox::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock{mu_};
  return idle_cv_.wait_for(lock, timeout, [this] { return entries_.empty(); });
}

std::chrono::milliseconds outbox::backoff_locked(std::uint64_t failures) {
  return backoff_delay(options_.backoff, failures, random_());
}

void outbox::worker() {
  std::unique_lock lock{mu_};
  while (!stopping_) {
    auto const now = clock::now();
    if (failures_in_a_row_ > 0 && in_flight_ > 0) {  // probing: one attempt at a time
      work_cv_.wait(lock);
      continue;
    }
    if (failures_in_a_row_ > 0 && now < probe_not_before_) {
      work_cv_.wait_until(lock, probe_not_before_);
      continue;
    }
    if (due_.empty()) {
      work_cv_.wait(lock);
      continue;
    }
    auto const [due, k] = *due_.begin();
    if (due > now) {
      work_cv_.wait_until(lock, due);
      continue;
    }
    due_.erase(due_.begin());
    auto& e = entries_.at(k);
    e.state = entry_state::in_flight;
    ++segments_[e.where.segment].in_flight;
    ++in_flight_;
    if (e.failures > 0) live_.retried.fetch_add(1);
    auto const where = e.where;
    lock.unlock();

    hook_result r;
    auto message = journal_.read(where);
    if (message) {
      r = target_->call(*message);
    } else {
      r.detail = "cannot read the recorded event: " + message.error().message();
    }
    error_code ack_error;
    if (r.answer == hook_answer::accepted)
      ack_error = journal_.append_ack(core::format_hex_bytes(k, core::hex_case::lower));

    lock.lock();
    --in_flight_;
    --segments_[where.segment].in_flight;
    if (r.answer == hook_answer::accepted) {
      if (ack_error) {
        log(log_level::error, "hooks: event " + core::format_hex_bytes(k, core::hex_case::lower) +
                                  " was delivered but its acknowledgement cannot be written (it "
                                  "will be delivered again after a restart): " +
                                  ack_error.message());
      }
      delivered_locked(k);
    } else {
      failed_locked(k, r, message ? to_string(message->type) : std::string_view("event"));
    }
    work_cv_.notify_all();
  }
}

void outbox::delivered_locked(event_key const& k) {
  auto const it = entries_.find(k);
  --segments_[it->second.where.segment].live;
  entries_.erase(it);
  acks_unsynced_ = true;
  ++counts_.delivered;
  live_.delivered.fetch_add(1);
  live_.pending.store(entries_.size());
  if (failures_in_a_row_ > 0) {
    log(log_level::info, "hooks: " + target_->describe() + " accepts events again after " +
                             std::to_string(failures_in_a_row_) + " failed attempts; " +
                             std::to_string(entries_.size()) + " pending");
    failures_in_a_row_ = 0;
    failure_logged_ = false;
  }
  if (entries_.empty()) idle_cv_.notify_all();
}

void outbox::failed_locked(event_key const& k, hook_result const& r, std::string_view type) {
  auto& e = entries_.at(k);
  ++e.failures;
  auto const now = clock::now();
  auto const delay = backoff_locked(e.failures);
  e.due = now + delay;
  enqueue_locked(k, e);
  ++counts_.failed_attempts;
  live_.failed_attempts.fetch_add(1);
  ++failures_in_a_row_;
  probe_not_before_ = now + backoff_locked(failures_in_a_row_);
  if (failure_logged_ && now - last_failure_log_ < options_.failure_log_interval) {
    ++failures_not_logged_;
    return;
  }
  std::string line = "hooks: " + std::string(type) + " event " +
                     core::format_hex_bytes(k, core::hex_case::lower) + " not delivered to " +
                     target_->describe() + " (attempt " + std::to_string(e.failures) +
                     "): " + r.detail + "; next attempt in " + round_seconds(delay) + ", " +
                     std::to_string(entries_.size()) + " pending";
  if (failures_not_logged_ > 0) {
    line += ", " + std::to_string(failures_not_logged_) + " failed attempts not logged";
  }
  log(log_level::warning, line);
  failure_logged_ = true;
  last_failure_log_ = now;
  failures_not_logged_ = 0;
}

void outbox::maintainer() {
  std::unique_lock lock{mu_};
  while (!stopping_) {
    maint_cv_.wait_for(lock, options_.maintain_interval);
    if (stopping_) break;
    lock.unlock();
    maintain();
    lock.lock();
  }
}

void outbox::maintain() {
  bool sync_acks = false;
  {
    std::lock_guard const lock{mu_};
    sync_acks = std::exchange(acks_unsynced_, false);
  }
  if (sync_acks) {
    if (auto ec = journal_.sync()) {
      log(log_level::error, "hooks: cannot sync the outbox: " + ec.message());
      std::lock_guard const lock{mu_};
      acks_unsynced_ = true;
    }
  }
  // Segments go oldest first, and only below any append under way and the current one:
  // a newer segment may hold acknowledgements of events in an older one.
  for (;;) {
    std::uint64_t seq = 0;
    bool empty = false;
    {
      std::lock_guard const lock{mu_};
      for (auto const s : journal_.segments()) segments_.try_emplace(s);
      if (segments_.empty()) return;
      auto const& [oldest, info] = *segments_.begin();
      std::uint64_t limit = journal_.current_segment();
      if (limit == 0) limit = journal_.append_floor();
      if (!append_floors_.empty()) limit = std::min(limit, *append_floors_.begin());
      if (oldest >= limit) return;
      if (info.live > 0 && (info.live * 4 > info.events || info.in_flight > 0)) return;
      seq = oldest;
      empty = info.live == 0;
    }
    if (!empty && !compact(seq)) return;
    if (auto ec = journal_.remove(seq)) {
      log(log_level::error, "hooks: cannot delete an outbox segment: " + ec.message());
      return;
    }
    std::lock_guard const lock{mu_};
    segments_.erase(seq);
  }
}

bool outbox::compact(std::uint64_t seq) {
  auto records = journal_.read_segment(seq);
  if (!records) {
    log(log_level::error, "hooks: cannot read an outbox segment: " + records.error().message());
    return false;
  }
  std::vector<event_key> keys;
  std::vector<event_message> messages;
  {
    std::lock_guard const lock{mu_};
    for (auto& r : *records) {
      auto const k = key_of(r.message.id);
      auto const it = k ? entries_.find(*k) : entries_.end();
      if (it == entries_.end() || it->second.where.segment != seq ||
          it->second.where.offset != r.where.offset || it->second.state != entry_state::waiting) {
        continue;
      }
      due_.erase({it->second.due, *k});
      it->second.state = entry_state::moving;
      keys.push_back(*k);
      messages.push_back(std::move(r.message));
    }
  }
  auto where =
      messages.empty()
          ? result<std::vector<detail::record_location>>(std::vector<detail::record_location>{})
          : journal_.append_events(messages);
  std::lock_guard const lock{mu_};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& e = entries_.at(keys[i]);
    if (where) {
      --segments_[seq].live;
      e.where = (*where)[i];
      note_append_locked(e.where);
      ++segments_[e.where.segment].live;
    }
    enqueue_locked(keys[i], e);
  }
  work_cv_.notify_all();
  if (!where) {
    log(log_level::error, "hooks: cannot compact the outbox: " + where.error().message());
    return false;
  }
  return segments_[seq].live == 0;
}

void outbox::log(log_level level, std::string const& line) const {
  if (options_.log) options_.log(level, line);
}

}  // namespace bits::hooks
