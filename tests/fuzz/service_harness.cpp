// The operations of the service-sequence fuzzer: each one reads what it needs from the
// input, builds a request head as the server front would, and hands the reply (or the
// Fragment body) to the checks in service_checks.cpp.
#include "fuzz/service_harness.hpp"

#include "core/content_range.hpp"
#include "core/protocol.hpp"
#include "core/upload_path.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace bits::fuzz {
namespace {

namespace header = core::header;

constexpr std::size_t max_sessions = 32;
constexpr std::uint64_t max_body_per_step = 4096;

// Maintenance jobs, one after another on this thread (the server runs them on its pool).
void serially(std::vector<std::function<void()>>& jobs) {
  for (auto& job : jobs) job();
}

// The bytes the client sends at `offset` in a body made from `seed`.
std::byte body_byte(std::uint8_t seed, std::uint64_t offset) {
  return static_cast<std::byte>(seed ^ static_cast<std::uint8_t>(offset * 7 + (offset >> 8)));
}

// The relative destination a session on `target` publishes to (empty if none).
std::string destination_of(std::string_view target) {
  auto const path = core::decode_target_path(target);
  if (!path) return {};
  auto const segments = core::split_below(*path, "/up/");
  return segments ? core::join_segments(*segments) : std::string();
}

built_request start_request(std::string target, std::string principal) {
  built_request b;
  b.head.method = core::bits_post_method;
  b.head.target = b.keep(std::move(target));
  b.head.principal = b.keep(std::move(principal));
  b.head.host = "127.0.0.1:8080";
  b.head.remote = "127.0.0.1:50000";
  b.head.content_length = 0;
  return b;
}

}  // namespace

service_harness::service_harness(fuzz_input& in)
    : in_(in),
      tracing_(std::getenv("BITS_FUZZ_TRACE") != nullptr),
      now_(std::make_shared<std::int64_t>(1'700'000'000)),
      disk_(std::make_shared<test::memory_disk>()) {
  std::uint8_t const flags = in_.u8();
  policy_.url = "/up/";
  policy_.allow_overwrites = (flags & 1u) != 0;
  policy_.max_upload_size = (flags & 2u) != 0 ? 1 + in_.below(4096) : 0;
  policy_.max_fragment_size = (flags & 4u) != 0 ? 1 + in_.below(1024) : 16777216;
  options_.sync_interval = std::chrono::seconds((flags & 8u) != 0 ? 0 : 5);
  if ((flags & 16u) != 0) policy_.host_id = "fuzz-host";
  policy_.session_timeout = std::chrono::seconds(1 + in_.below(600));
  policy_.cleanup_interval = std::chrono::seconds(1 + in_.below(600));
  options_.tombstone_ttl = std::chrono::seconds(in_.below(600));
  if ((flags & 32u) != 0) {
    policy_.max_sessions = 1 + in_.below(6);
    policy_.max_sessions_per_user = 1 + in_.below(4);
    // Derived, not read: the corpus keeps its meaning. Anonymous requests all come from
    // one address, and sessions idle for minutes are evicted at a limit.
    policy_.max_sessions_per_address = policy_.max_sessions_per_user;
    policy_.evict_idle_after = std::chrono::seconds(1 + policy_.cleanup_interval.count() / 4);
  }
  if ((flags & 64u) != 0) policy_.max_spool_bytes = 1 + in_.below(2048);
  // Off unless the input asks: the store's free space is fuzzed too (below 4 KiB).
  policy_.min_free_disk = (flags & 128u) != 0 ? in_.below(1024) : 0;
  disk_->folders.insert("sub");
  disk_->files["exists.bin"] = {std::byte{'x'}};
  published_.insert("exists.bin");
  start_service();
}

service_harness::~service_harness() {
  // A job refers to its service: end it before the router goes.
  if (pending_) pending_->job->abort();
  pending_.reset();
}

void service_harness::start_service() {
  auto const clock = [now = now_] { return *now; };
  router_ = std::make_unique<service::router>();
  auto svc = std::make_unique<service::upload_service>(
      policy_, options_, std::make_unique<test::memory_upload_store>(disk_), clock);
  BITS_FUZZ_CHECK(svc->recover().has_value());
  service_ = svc.get();
  router_->add(std::move(svc));
  service::vdir_policy off;
  off.url = "/off/";
  off.upload_enabled = false;
  router_->add(std::make_unique<service::upload_service>(
      off, options_, std::make_unique<test::memory_upload_store>(), clock));
}

bool service_harness::step() {
  if (in_.empty()) return false;
  std::uint8_t const op = in_.u8() % 13;
  if (tracing_)
    std::fprintf(stderr, "step %u (t=%lld)\n", unsigned{op}, static_cast<long long>(*now_));
  switch (op) {
    case 0:
      op_create();
      break;
    case 1:
      op_fragment(false);
      break;
    case 2:
      op_fragment(true);
      break;
    case 3:
      op_pending();
      break;
    case 4:
      op_close_or_cancel(false);
      break;
    case 5:
      op_close_or_cancel(true);
      break;
    case 6:
      op_ping_or_raw(false);
      break;
    case 7:
      op_ping_or_raw(true);
      break;
    case 8:
      *now_ += static_cast<std::int64_t>(in_.flag() ? in_.below(4) : in_.below(2000));
      break;
    case 9:
      service_->maintain(serially);
      break;
    case 10:
      op_restart();
      break;
    case 11:
      op_fault();
      break;
    default:
      service_->flush_all(serially);
      break;
  }
  check_store();
  return true;
}

service::outcome service_harness::send(built_request const& req) {
  trace(req.head);
  auto out = router_->handle_bits_post(req.head);
  if (tracing_ && (out.busy || out.job))
    std::fprintf(stderr, "  <- %s\n", out.busy ? "busy" : "body expected");
  if (out.busy) {
    // Busy only ever means: the session is streaming the pending Fragment.
    BITS_FUZZ_CHECK(!out.job);
    auto const id_text = req.head.header(header::session_id);
    BITS_FUZZ_CHECK(pending_ && id_text);
    auto const id = core::parse_session_id(*id_text);
    BITS_FUZZ_CHECK(id && *id == pending_->id);
    return out;
  }
  if (!out.job) check_reply(out.reply);
  return out;
}

void service_harness::op_create() {
  if (sessions_.size() >= max_sessions) return;  // the model must know every session
  std::uint8_t const how = in_.u8();
  std::string const target = pick_target(nullptr);
  built_request b = start_request(target, pick_principal(nullptr));
  if ((how & 1u) != 0) b.head.content_length = in_.below(3);
  b.field(header::packet_type, (how & 2u) != 0 ? "create-session" : "Create-Session");
  if ((how & 4u) == 0) {
    b.field(header::supported_protocols, (how & 8u) != 0
                                             ? std::string(in_.short_text())
                                             : "{7DF0354D-249B-430F-820D-3D2A9BEF4931}, {x}");
  }
  auto const out = send(b);
  if (out.reply.status == 503) check_admission(b.head.principal);
  if (out.busy || out.job || out.reply.status != 200) return;
  auto const id_text = out.reply.header(header::session_id);
  BITS_FUZZ_CHECK(id_text.has_value());
  auto const id = core::parse_session_id(*id_text);
  BITS_FUZZ_CHECK(id.has_value());
  BITS_FUZZ_CHECK(find(*id) == nullptr);  // never an id given out before
  BITS_FUZZ_CHECK(out.reply.header(header::protocol) == core::upload_protocol_guid);
  auto s = std::make_unique<model_session>();
  s->id = *id;
  s->target = target;
  s->destination = destination_of(target);
  s->principal = std::string(b.head.principal);
  BITS_FUZZ_CHECK(!s->destination.empty());
  sessions_.push_back(std::move(s));
}

void service_harness::op_fragment(bool keep_pending) {
  model_session* const s = pick_session();
  std::uint8_t const how = in_.u8();
  std::uint64_t const base = s != nullptr ? s->prefix() : 0;
  std::uint64_t first = base;
  if ((how & 3u) == 1) first = base - std::min<std::uint64_t>(base, 1 + in_.below(64));
  if ((how & 3u) == 2) first = base + 1 + in_.below(64);  // a gap: 416
  if ((how & 3u) == 3) first = in_.u64();
  std::uint64_t const length = (how & 4u) != 0 ? in_.u32() : in_.below(300);
  std::uint64_t total = first + length + ((how & 8u) != 0 ? in_.below(512) : 0);
  if (s != nullptr && s->total && (how & 16u) == 0) total = *s->total;

  std::string target = pick_target(s);  // two statements: the input is read in this order
  built_request b = start_request(std::move(target), pick_principal(s));
  b.field(header::packet_type, "Fragment");
  b.field(header::session_id, pick_id(s));
  std::string range = (how & 32u) != 0 ? std::string(in_.short_text())
                      : length == 0
                          ? "bytes */" + std::to_string(total)
                          : "bytes " + std::to_string(first) + "-" +
                                std::to_string(first + length - 1) + "/" + std::to_string(total);
  b.field(header::content_range, std::move(range));
  b.head.content_length = (how & 64u) != 0 ? in_.below(300) : length;
  if ((how & 128u) != 0 && in_.flag()) b.head.content_length.reset();
  bool const faults_armed = note_fragment(s, b.head);
  auto out = send(b);
  if (out.job) return run_fragment(std::move(out), b.head, keep_pending);
  if (!out.busy && !faults_armed) check_spool_refusal(out.reply, s, b.head);
}

void service_harness::run_fragment(service::outcome out, core::request_head const& head,
                                   bool keep_pending) {
  // The service accepted the headers, so they parse; the model reads them the same way.
  auto const id = core::parse_session_id(*head.header(header::session_id));
  auto const range = core::parse_content_range(*head.header(header::content_range));
  BITS_FUZZ_CHECK(id && range && head.content_length == range->length);
  pending_fragment p{std::move(out.job), *id, find(*id), range->first, range->length, 0, in_.u8()};
  BITS_FUZZ_CHECK(p.session != nullptr);  // only sessions the server created are served
  if (!p.session->total) p.session->total = range->total;
  BITS_FUZZ_CHECK(*p.session->total == range->total);

  if (keep_pending && !pending_) {
    if (feed(p, in_.below(range->length + 1))) pending_ = std::move(p);
    return;
  }
  if (feed(p, max_body_per_step)) end(p, in_.u8() < 8);
}

bool service_harness::feed(pending_fragment& p, std::uint64_t n) {
  n = std::min({n, p.length - p.sent, max_body_per_step});
  std::vector<std::byte> chunk;
  while (n > 0) {
    std::uint64_t const piece = std::min<std::uint64_t>(n, 1 + in_.below(200));
    chunk.resize(static_cast<std::size_t>(piece));
    for (std::size_t i = 0; i < chunk.size(); ++i)
      chunk[i] = body_byte(p.seed, p.first + p.sent + i);
    if (auto ec = p.job->write(chunk)) {
      check_reply(p.job->fail(ec));
      return false;
    }
    p.session->deliver(p.first + p.sent, chunk);
    p.sent += piece;
    n -= piece;
  }
  return true;
}

void service_harness::end(pending_fragment& p, bool fail) {
  if (fail) {
    check_reply(p.job->fail(make_error_code(error::storage_failure)));
  } else if (p.sent == p.length) {
    auto const r = p.job->finish();
    check_reply(r);
    check_completed(r, p);
  } else {
    p.job->abort();  // the client went away mid-body
  }
}

void service_harness::op_pending() {
  if (!pending_) return op_fragment(true);
  std::uint8_t const k = in_.u8();
  if (k < 0x80) {
    if (!feed(*pending_, in_.below(512))) pending_.reset();
    return;
  }
  auto p = std::move(*pending_);
  pending_.reset();
  end(p, k >= 0xF8);
}

void service_harness::op_close_or_cancel(bool cancel) {
  model_session* const s = pick_session();
  std::string target = pick_target(s);  // two statements: the input is read in this order
  built_request b = start_request(std::move(target), pick_principal(s));
  b.field(header::packet_type, cancel ? "Cancel-Session" : "Close-Session");
  std::string const id = pick_id(s);
  b.field(header::session_id, id);
  if (in_.u8() >= 0xF0) b.head.content_length = 1;
  bool const was_open = s != nullptr && !s->ended;
  std::size_t const commits_before = disk_->commits.size();
  auto const out = send(b);
  if (out.busy || out.reply.status != 200 || s == nullptr ||
      !core::iequals(id, s->id.to_string())) {
    return;
  }
  // A Close of a session that never saw a Fragment publishes an empty file.
  if (!cancel && was_open && !s->fragment_sent) {
    BITS_FUZZ_CHECK(disk_->commits.size() == commits_before + 1);
    BITS_FUZZ_CHECK(disk_->commits.back().session == s->id);
  }
  s->ended = true;
}

void service_harness::op_ping_or_raw(bool raw) {
  model_session* const s = raw ? pick_session() : nullptr;
  std::string target = pick_target(s);  // two statements: the input is read in this order
  built_request b = start_request(std::move(target), pick_principal(s));
  if (!raw) {
    b.field(header::packet_type, "Ping");
    static_cast<void>(send(b));
    return;
  }
  // Any header combination: the validation order must hold whatever arrives.
  std::uint8_t const how = in_.u8();
  if ((how & 1u) != 0) b.field(header::packet_type, std::string(in_.short_text()));
  if ((how & 2u) != 0) b.field(header::session_id, pick_id(s));
  if ((how & 4u) != 0) b.field(header::content_range, std::string(in_.short_text()));
  if ((how & 8u) != 0) b.field(header::content_encoding, std::string(in_.short_text()));
  if ((how & 16u) != 0) b.field(header::supported_protocols, std::string(in_.short_text()));
  if ((how & 32u) != 0) b.field(std::string(in_.short_text()), std::string(5000, 'v'));
  b.head.chunked = (how & 64u) != 0;
  b.head.content_length = (how & 128u) != 0 ? std::optional<std::uint64_t>() : in_.below(300);
  static_cast<void>(note_fragment(s, b.head));
  auto out = send(b);
  if (out.job) run_fragment(std::move(out), b.head, false);
}

void service_harness::op_restart() {
  if (pending_) pending_->job->abort();
  pending_.reset();
  service_ = nullptr;
  router_.reset();
  start_service();
  // What survived is what was saved; the client learns it from the next reply.
  std::lock_guard lock(disk_->mu);
  for (auto& s : sessions_) {
    s->reported.reset();
    auto const it = disk_->spool.find(s->id);
    if (it != disk_->spool.end() && it->second.has_data) s->truncate(it->second.saved.received);
  }
}

void service_harness::op_fault() {
  auto const call = static_cast<test::store_call>(in_.below(test::store_call_count));
  std::uint8_t const how = in_.u8();
  disk_->fail(call, (how & 1u) != 0 ? error::disk_full : error::storage_failure);
  // A failed discard may leave a closed session in the spool for the next start-up.
  if (call == test::store_call::discard) discard_failed_ = true;
  if ((how & 2u) != 0) {
    std::lock_guard lock(disk_->mu);
    disk_->free_space = in_.below(4096);
  }
}

}  // namespace bits::fuzz
