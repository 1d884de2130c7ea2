// The world the service-sequence fuzzer drives: one router with an upload directory over
// an in-memory store, a clock that moves only when told, and a model of what the client
// sent. Every reply and every commit is checked against the model (BITS_FUZZ_CHECK).
#pragma once

#include "core/message.hpp"
#include "core/session_id.hpp"
#include "fuzz/fuzz_check.hpp"
#include "service/router.hpp"
#include "service/upload_service.hpp"
#include "support/memory_upload_store.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::fuzz {

/// What the client knows of one session it created.
struct model_session {
  core::session_id id;
  std::string target;       ///< the URL it was created on
  std::string destination;  ///< relative path a commit must publish to
  std::string principal;
  std::vector<std::uint8_t> bytes;        ///< the first byte delivered at each offset
  std::vector<bool> have;                 ///< which offsets were delivered (and stored)
  std::optional<std::uint64_t> total;     ///< fixed by the first accepted fragment
  std::optional<std::uint64_t> reported;  ///< last BITS-Received-Content-Range seen
  bool ended = false;                     ///< closed or cancelled with a 200
  bool fragment_sent = false;       ///< a Fragment was sent for it (the server may hold a total)
  std::uint64_t largest_total = 0;  ///< largest total a Fragment for it declared
  bool committed = false;           ///< its file was published

  /// Length of the delivered prefix [0, n).
  [[nodiscard]] std::uint64_t prefix() const noexcept;
  /// Records bytes that reached the store at `offset`; bytes already known are kept.
  void deliver(std::uint64_t offset, std::span<std::byte const> data);
  /// Forgets what lies at or past `n` (a restart kept less).
  void truncate(std::uint64_t n);
};

/// One request head and the strings its views point into (a deque: adding a string
/// never moves the others, so the views stay valid).
struct built_request {
  std::deque<std::string> strings;
  core::request_head head;

  std::string_view keep(std::string s) { return strings.emplace_back(std::move(s)); }
  /// Both are kept: a name made from fuzz input is a temporary at the call site.
  void field(std::string_view name, std::string value) {
    head.fields.emplace_back(keep(std::string(name)), keep(std::move(value)));
  }
};

/// A Fragment whose body is being streamed, and what it was sent for.
struct pending_fragment {
  std::unique_ptr<service::fragment_job> job;
  core::session_id id;
  model_session* session = nullptr;  ///< null for an id the model does not know
  std::uint64_t first = 0;           ///< Content-Range first byte
  std::uint64_t length = 0;          ///< body length
  std::uint64_t sent = 0;            ///< body bytes given to the job so far
  std::uint8_t seed = 0;             ///< body bytes are a function of seed and offset
};

class service_harness {
 public:
  /// Reads the directory's settings from the front of `in`.
  explicit service_harness(fuzz_input& in);
  ~service_harness();
  service_harness(service_harness const&) = delete;
  service_harness& operator=(service_harness const&) = delete;

  /// Decodes and runs one operation; false when the input is used up.
  bool step();

 private:
  void op_create();
  void op_fragment(bool keep_pending);
  void op_pending();
  void op_close_or_cancel(bool cancel);
  void op_ping_or_raw(bool raw);
  void op_restart();
  void op_fault();

  /// Sends `req` through the router; checks the reply unless a body is now expected.
  service::outcome send(built_request const& req);
  /// A Fragment the service accepted: streams its body (all of it, or a part when it is
  /// to stay pending) and ends it.
  void run_fragment(service::outcome out, core::request_head const& head, bool keep_pending);
  /// Streams up to `n` more body bytes, in pieces; false once the job has ended.
  bool feed(pending_fragment& p, std::uint64_t n);
  /// Ends a fragment: finish when the body is complete, else abort, or fail on request.
  void end(pending_fragment& p, bool fail);

  [[nodiscard]] std::string pick_target(model_session const* s);
  [[nodiscard]] model_session* pick_session();
  [[nodiscard]] std::string pick_id(model_session const* s);
  [[nodiscard]] std::string pick_principal(model_session const* s);
  [[nodiscard]] model_session* find(core::session_id const& id) const;
  void start_service();

  void check_reply(core::reply const& r);
  void check_received(core::reply const& r);
  void check_completed(core::reply const& r, pending_fragment const& p);
  void check_store();
  /// Records a Fragment about to be sent for `s`; true when a storage failure is armed
  /// that could answer it.
  bool note_fragment(model_session* s, core::request_head const& head);
  /// A 503 to Create-Session: the model must know enough open sessions to explain it.
  void check_admission(std::string_view principal) const;
  /// A first Fragment refused with ERROR_DISK_FULL while nothing else can refuse it: the
  /// declared totals of the sessions that may hold spool space must explain it.
  void check_spool_refusal(core::reply const& r, model_session const* s,
                           core::request_head const& head) const;

  /// With BITS_FUZZ_TRACE set: one line per request and reply on stderr.
  void trace(core::request_head const& req) const;
  void trace(core::reply const& r) const;

  fuzz_input& in_;
  bool tracing_ = false;
  std::shared_ptr<std::int64_t> now_;
  std::shared_ptr<test::memory_disk> disk_;
  service::vdir_policy policy_;
  service::service_options options_;
  std::unique_ptr<service::router> router_;
  service::upload_service* service_ = nullptr;
  std::vector<std::unique_ptr<model_session>> sessions_;
  std::optional<pending_fragment> pending_;
  std::set<std::string> published_;  ///< destinations that hold a file
  std::size_t commits_seen_ = 0;
  bool discard_failed_ = false;  ///< a session may have outlived its Close or Cancel
};

}  // namespace bits::fuzz
