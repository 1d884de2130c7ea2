// The service fuzzer's model of the client and the invariants every reply and every
// commit must satisfy. A violation aborts with the check that failed.
#include "fuzz/service_harness.hpp"

#include "core/content_range.hpp"
#include "core/protocol.hpp"
#include "core/wire_error.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace bits::fuzz {
namespace {

namespace header = core::header;

// Every status a BITS_POST may be answered with (reference 4.3 and the error table).
constexpr std::array<unsigned, 10> known_statuses = {200, 400, 403, 404, 411,
                                                     413, 416, 500, 501, 503};

}  // namespace

std::uint64_t model_session::prefix() const noexcept {
  auto const hole = std::find(have.begin(), have.end(), false);
  return static_cast<std::uint64_t>(hole - have.begin());
}

void model_session::deliver(std::uint64_t offset, std::span<std::byte const> data) {
  auto const end = static_cast<std::size_t>(offset) + data.size();
  if (bytes.size() < end) {
    bytes.resize(end);
    have.resize(end, false);
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    auto const at = static_cast<std::size_t>(offset) + i;
    if (have[at]) continue;  // the server keeps the first bytes it stored at an offset
    have[at] = true;
    bytes[at] = static_cast<std::uint8_t>(data[i]);
  }
}

void model_session::truncate(std::uint64_t n) {
  if (n >= have.size()) return;
  have.resize(static_cast<std::size_t>(n));
  bytes.resize(static_cast<std::size_t>(n));
}

void service_harness::trace(core::request_head const& req) const {
  if (!tracing_) return;
  std::fprintf(stderr, "  -> %.*s len=%s", static_cast<int>(req.target.size()), req.target.data(),
               req.content_length ? std::to_string(*req.content_length).c_str() : "none");
  for (auto const& [name, value] : req.fields) {
    std::fprintf(stderr, " [%.*s: %.*s]", static_cast<int>(name.size()), name.data(),
                 static_cast<int>(std::min<std::size_t>(value.size(), 60)), value.data());
  }
  std::fprintf(stderr, "\n");
}

void service_harness::trace(core::reply const& r) const {
  if (!tracing_) return;
  std::fprintf(stderr, "  <- %u", r.status);
  for (auto const& [name, value] : r.fields) {
    std::fprintf(stderr, " [%s: %s]", name.c_str(), value.c_str());
  }
  std::fprintf(stderr, "\n");
}

void service_harness::check_reply(core::reply const& r) {
  trace(r);
  BITS_FUZZ_CHECK(std::find(known_statuses.begin(), known_statuses.end(), r.status) !=
                  known_statuses.end());
  auto const type = r.header(header::packet_type);
  BITS_FUZZ_CHECK(type && core::iequals(*type, "Ack"));
  auto const code = r.header(header::error_code);
  // An error Ack says why, except 413, whose status alone tells the client to shrink.
  if (r.status != 200 && r.status != 413) BITS_FUZZ_CHECK(code.has_value());
  if (code) BITS_FUZZ_CHECK(core::parse_hresult(*code).has_value());
  if (r.status == 200) BITS_FUZZ_CHECK(!code.has_value());
  check_received(r);
}

// BITS-Received-Content-Range is the client's only view of the server's progress: it may
// not run ahead of what the client delivered, and may not go back while the session
// lives (a restart may lose unsaved bytes; the model forgets what it saw then).
void service_harness::check_received(core::reply const& r) {
  auto const text = r.header(header::received_content_range);
  if (!text) return;
  auto const n = core::parse_decimal_u64(*text);
  BITS_FUZZ_CHECK(n.has_value());
  auto const id_text = r.header(header::session_id);
  BITS_FUZZ_CHECK(id_text.has_value());
  auto const id = core::parse_session_id(*id_text);
  BITS_FUZZ_CHECK(id.has_value());
  model_session* const s = find(*id);
  BITS_FUZZ_CHECK(s != nullptr);  // only sessions we created have a progress to report
  BITS_FUZZ_CHECK(*n <= s->prefix());
  if (s->total) BITS_FUZZ_CHECK(*n <= *s->total);
  if (s->reported) BITS_FUZZ_CHECK(*n >= *s->reported);
  s->reported = *n;
}

// The Ack of a whole Fragment body reports exactly what the server holds, which is what
// the client delivered; when that is every byte, the file has been published.
void service_harness::check_completed(core::reply const& r, pending_fragment const& p) {
  if (r.status != 200) return;
  auto const text = r.header(header::received_content_range);
  BITS_FUZZ_CHECK(text.has_value());
  auto const n = core::parse_decimal_u64(*text);
  BITS_FUZZ_CHECK(n.has_value());
  BITS_FUZZ_CHECK(*n == p.session->prefix());
  if (!p.session->total || *n != *p.session->total) return;
  std::lock_guard lock(disk_->mu);
  bool const committed = std::any_of(disk_->commits.begin(), disk_->commits.end(),
                                     [&](auto const& c) { return c.session == p.id; });
  BITS_FUZZ_CHECK(committed);
}

// After every step: each new commit published exactly what the client sent for that
// session (first bytes stored at each offset win), where it asked, and without replacing
// a file unless overwrites are on; the spool holds only bytes the client sent.
void service_harness::check_store() {
  std::lock_guard lock(disk_->mu);
  for (; commits_seen_ < disk_->commits.size(); ++commits_seen_) {
    auto const& c = disk_->commits[commits_seen_];
    model_session const* const s = find(c.session);
    BITS_FUZZ_CHECK(s != nullptr);
    BITS_FUZZ_CHECK(c.destination == s->destination);
    if (!policy_.allow_overwrites) BITS_FUZZ_CHECK(!published_.contains(c.destination));
    published_.insert(c.destination);
    find(c.session)->committed = true;
    BITS_FUZZ_CHECK(c.size == s->total.value_or(0));
    BITS_FUZZ_CHECK(s->prefix() >= c.size);
    bool const last = std::none_of(
        disk_->commits.begin() + static_cast<std::ptrdiff_t>(commits_seen_) + 1,
        disk_->commits.end(), [&](auto const& o) { return o.destination == c.destination; });
    if (!last) continue;  // replaced again within this step; the later commit is checked
    auto const& file = disk_->files.at(c.destination);
    BITS_FUZZ_CHECK(file.size() == c.size);
    for (std::size_t i = 0; i < file.size(); ++i) {
      BITS_FUZZ_CHECK(static_cast<std::uint8_t>(file[i]) == s->bytes[i]);
    }
  }
  for (auto const& [id, entry] : disk_->spool) {
    model_session const* const s = find(id);
    if (s == nullptr || !entry.has_data) continue;
    BITS_FUZZ_CHECK(entry.data.size() <= s->prefix());
    for (std::size_t i = 0; i < entry.data.size(); ++i) {
      BITS_FUZZ_CHECK(static_cast<std::uint8_t>(entry.data[i]) == s->bytes[i]);
    }
  }
}

bool service_harness::note_fragment(model_session* s, core::request_head const& head) {
  if (s != nullptr) {
    s->fragment_sent = true;
    if (auto const text = head.header(header::content_range)) {
      auto const range = core::parse_content_range(*text);
      if (range) s->largest_total = std::max(s->largest_total, range->total);
    }
  }
  std::lock_guard lock(disk_->mu);
  return std::any_of(disk_->fail_next.begin(), disk_->fail_next.end(),
                     [](auto const& f) { return f.has_value(); });
}

// Sessions the server may still count: created, and not closed or cancelled with a 200
// (expired and evicted ones are counted too, which only makes the bound looser). A
// principal's limit is max_sessions_per_user; anonymous requests, all from one address,
// share max_sessions_per_address when it is set.
void service_harness::check_admission(std::string_view principal) const {
  if (discard_failed_) return;
  std::uint64_t open = 0;
  std::uint64_t mine = 0;
  for (auto const& s : sessions_) {
    if (s->ended) continue;
    ++open;
    if (s->principal == principal) ++mine;
  }
  std::uint64_t const limit =
      principal.empty() ? policy_.max_sessions_per_address : policy_.max_sessions_per_user;
  BITS_FUZZ_CHECK(open >= policy_.max_sessions || (limit > 0 && mine >= limit));
}

void service_harness::check_spool_refusal(core::reply const& r, model_session const* s,
                                          core::request_head const& head) const {
  if (s == nullptr || s->total || discard_failed_ || policy_.max_spool_bytes == 0 ||
      policy_.min_free_disk != 0 || r.status != 500 ||
      r.header(header::error_code) != core::format_hresult(core::hresult::disk_full)) {
    return;
  }
  auto const range = core::parse_content_range(*head.header(header::content_range));
  BITS_FUZZ_CHECK(range.has_value());
  // What the other open, unpublished sessions may hold: at most their declared total.
  std::uint64_t held = range->total;
  for (auto const& o : sessions_) {
    if (o.get() == s || o->ended || o->committed) continue;
    std::uint64_t const t = o->total.value_or(o->largest_total);
    held = held > UINT64_MAX - t ? UINT64_MAX : held + t;
  }
  BITS_FUZZ_CHECK(held > policy_.max_spool_bytes);
}

}  // namespace bits::fuzz
