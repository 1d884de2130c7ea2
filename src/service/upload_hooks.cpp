// Hook steps of the packet handlers. Blocking steps (the outbox's sync, reading back a
// digest) run where the handlers already wait for the disk.
#include "service/upload_hooks.hpp"

#include "core/wire_error.hpp"
#include "hooks/checksum_xattr.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>

#include <utility>

namespace bits::service {

namespace {

/// Reads [offset, offset + out.size()) of the open file `fd`.
hooks::byte_reader fd_reader(int fd) {
  return [fd](std::uint64_t offset, std::span<std::byte> out) -> result<std::size_t> {
    for (;;) {
      auto const n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return boost::system::error_code(errno, boost::system::system_category());
    }
  };
}

}  // namespace

std::string_view address_of(std::string_view remote) noexcept {
  auto const colon = remote.rfind(':');
  return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

void upload_hooks::set(hook_setup setup, hook_log_fn log) {
  setup_ = std::move(setup);
  log_ = std::move(log);
  hashing_ = setup_.hook != nullptr || policy_.get().checksum_xattr;
}

void upload_hooks::warn(std::string const& line) const {
  if (log_) log_("vdir " + policy_.get().url + ": " + line);
}

std::optional<pre_create_call> upload_hooks::pre_create(std::string const& destination,
                                                        std::string_view principal,
                                                        std::string_view remote,
                                                        std::int64_t now) const {
  if (!setup_.hook) return std::nullopt;
  hooks::event e;
  e.type = hooks::event_type::pre_create;
  e.id = hooks::random_event_id();
  e.time = now;
  e.vdir = policy_.get().url;
  e.url_path = policy_.get().url + destination;
  place(e, destination);
  e.principal = std::string(principal);
  e.client_address = std::string(address_of(remote));
  return pre_create_call{setup_.hook, std::move(e), setup_.failure};
}

std::optional<core::reply> upload_hooks::decided(hooks::pre_create_decision const& d) {
  counters_.pre_create_calls.fetch_add(1, std::memory_order_relaxed);
  if (d.hook_failed) {
    counters_.pre_create_failed.fetch_add(1, std::memory_order_relaxed);
    warn("pre-create hook gave no answer (" + d.detail + "); hook_failure " +
         (d.allowed ? "allows" : "refuses") + " the session");
  } else if (!d.allowed) {
    counters_.pre_create_refused.fetch_add(1, std::memory_order_relaxed);
  }
  if (d.allowed) return std::nullopt;
  core::reply r = core::make_ack(d.refusal.status);
  if (d.refusal.code) r.set(core::header::error_code, core::format_hresult(*d.refusal.code));
  r.set(core::header::error_context, core::format_error_context(d.refusal.context));
  r.cause = "pre-create hook: " + d.detail;
  return r;
}

void upload_hooks::started(session& s) const {
  if (hashing_) s.digest.emplace();
}

void upload_hooks::received(session& s, std::uint64_t offset,
                            std::span<std::byte const> bytes) const {
  if (!s.digest) return;
  if (s.digest->size() == offset) {
    s.digest->update(bytes);
  } else {
    s.digest.reset();  // read back from the disk at commit
  }
}

void upload_hooks::stamp(session& s) const {
  if (s.digest) s.record.sha256_state = s.digest->save();
}

void upload_hooks::recovered(session& s) const {
  if (!hashing_) return;
  auto& rec = s.record;
  if (rec.state == storage::session_state::complete) {
    // commit() saved the state covering the whole file.
    auto stream = hooks::sha256_stream::restore(rec.sha256_state);
    if (stream && stream->size() == rec.received) s.digest = *stream;
    return;
  }
  // On an object store the bytes received are parts in the bucket, readable only once
  // the upload completes: the digest is read back from the object at commit.
  if (!setup_.bucket.empty()) return;
  auto const path = store_.spool_file_path(rec.id, storage::spool_file::request);
  int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    warn("session " + rec.id.short_form() + ": cannot read its data for the SHA-256");
    return;
  }
  auto resumed = hooks::resume_sha256(rec.sha256_state, rec.received, fd_reader(fd));
  ::close(fd);
  if (!resumed) {
    warn("session " + rec.id.short_form() +
         ": cannot compute its SHA-256: " + resumed.error().message());
    return;
  }
  s.digest = resumed->stream;
}

std::optional<hooks::sha256_digest> upload_hooks::final_digest(session& s) const {
  auto const& rec = s.record;
  if (s.digest && s.digest->size() == rec.received) return s.digest->digest();
  // The stream does not cover the file (a write out of order, a read error at start-up):
  // read the published file once.
  auto file = store_.open_published(rec.destination);
  if (!file) return std::nullopt;
  hooks::byte_reader const read = [&file](std::uint64_t offset,
                                          std::span<std::byte> out) -> result<std::size_t> {
    auto n = file->read_at(offset, out);
    if (!n) return make_error_code(boost::system::errc::io_error);
    return *n;
  };
  auto whole = hooks::resume_sha256("", rec.received, read);
  if (!whole) return std::nullopt;
  s.digest = whole->stream;
  return s.digest->digest();
}

bool upload_hooks::commit_pending(session const& s) const noexcept {
  // Upload-reply directories hand uploads to their application instead.
  return (setup_.outbox != nullptr || policy_.get().checksum_xattr) &&
         policy_.get().notification_type == settings::notification_type::none &&
         s.record.state == storage::session_state::complete && !s.commit_recorded;
}

status upload_hooks::committed(session& s, std::int64_t now) {
  if (!commit_pending(s)) return {};
  auto const digest = final_digest(s);
  if (!digest) warn("session " + s.record.id.short_form() + ": SHA-256 of the file unknown");
  if (policy_.get().checksum_xattr && digest) {
    auto file = store_.open_published(s.record.destination);
    auto const ec = !file ? make_error_code(boost::system::errc::no_such_file_or_directory)
                    : file->fd() < 0 ? make_error_code(boost::system::errc::operation_not_supported)
                                     : hooks::store_checksum_xattr(file->fd(), *digest);
    if (ec)
      warn("cannot store the checksum attribute of " + s.record.destination + ": " + ec.message());
  }
  if (setup_.outbox) {
    auto e = event_of(s, hooks::event_type::post_commit, now);
    e.size = s.record.received;
    e.sha256 = digest;
    e.committed = now;
    if (auto ec = setup_.outbox->record(e)) {
      counters_.record_failures.fetch_add(1, std::memory_order_relaxed);
      return status(ec == make_error_code(boost::system::errc::no_space_on_device)
                        ? error::disk_full
                        : error::storage_failure,
                    cause("record the post-commit event", ec));
    }
  }
  s.commit_recorded = true;
  return {};
}

void upload_hooks::ended(session& s, hooks::event_type type, std::int64_t now) {
  // A complete upload that ends leaves its file published: nothing to tell.
  if (!setup_.outbox || s.record.state != storage::session_state::receiving) return;
  auto e = event_of(s, type, now);
  e.size = s.record.received;
  if (auto ec = setup_.outbox->record(e)) {
    counters_.record_failures.fetch_add(1, std::memory_order_relaxed);
    warn("cannot record the " + std::string(hooks::to_string(type)) + " event of session " +
         s.record.id.short_form() + ": " + ec.message());
  }
}

hooks::event upload_hooks::event_of(session const& s, hooks::event_type type,
                                    std::int64_t now) const {
  auto const& rec = s.record;
  hooks::event e;
  e.type = type;
  e.id = hooks::make_event_id(rec.id, type);
  e.time = now;
  e.vdir = policy_.get().url;
  e.url_path = policy_.get().url + rec.destination;
  place(e, rec.destination);
  e.declared_size = rec.total;
  e.principal = rec.principal;
  e.client_address = rec.client_address;
  e.session_id = rec.id;
  e.created = rec.created;
  return e;
}

void upload_hooks::place(hooks::event& e, std::string const& destination) const {
  if (setup_.bucket.empty()) {
    e.file_path = setup_.root + "/" + destination;
  } else {
    e.bucket = setup_.bucket;
    e.key = setup_.key_prefix + destination;
  }
}

}  // namespace bits::service
