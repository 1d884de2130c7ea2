// The object-store upload_store: session records, part buffers, parts keyed by byte
// position, commit by CompleteMultipartUpload (or one PUT), and open_s3_store.
// Downloads and replies are in s3_read.cpp.
#include "storage/data_file.hpp"
#include "storage/s3_store_impl.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>

namespace bits::storage {
namespace detail {

namespace {

constexpr std::string_view sessions_folder = ".bits-sessions/";

/// The data writer of one session: appends to its part buffer.
class s3_writer final : public data_writer {
 public:
  s3_writer(s3_store& store, std::shared_ptr<s3_session> s) : store_(store), s_(std::move(s)) {}

  status write_at(std::uint64_t offset, std::span<std::byte const> bytes) override {
    return store_.write(*s_, offset, bytes);
  }

  // Nothing can be made durable before a part is full (S3 parts but the last are at
  // least 5 MiB): the durable offset is what the uploaded parts hold.
  status sync() override { return {}; }

 private:
  s3_store& store_;
  std::shared_ptr<s3_session> s_;
};

/// Parts 1..n that hold [0, n * part_size) without a gap, each of exactly part_size
/// bytes; the last part of the file is never counted (it is uploaded at commit).
std::uint64_t durable_prefix(std::vector<s3::part_info> const& parts, std::uint64_t part_size,
                             std::optional<std::uint64_t> total) {
  std::uint64_t held = 0;
  int expect = 1;
  for (auto const& p : parts) {
    if (p.number != expect || p.size != part_size) break;
    if (total && held + part_size >= *total) break;  // the last part: re-sent, re-uploaded
    held += part_size;
    ++expect;
  }
  return held;
}

}  // namespace

status s3_failure(char const* operation, s3::failure const& f) {
  return {error::storage_failure, cause(operation, f.ec(), f.describe())};
}

s3_store::s3_store(s3_store_options options, std::unique_ptr<s3::client> client,
                   unique_fd buffer_dir)
    : options_(std::move(options)),
      client_(std::move(client)),
      buffer_dir_(std::move(buffer_dir)) {}

std::string s3_store::object_key(std::string_view destination) const {
  return options_.prefix + std::string(destination);
}

std::string s3_store::record_key(core::session_id const& id) const {
  return options_.prefix + std::string(sessions_folder) + id.to_hex() + ".json";
}

std::string s3_store::reply_key(core::session_id const& id) const {
  return options_.prefix + std::string(sessions_folder) + id.to_hex() + ".reply";
}

std::string s3_store::request_key(core::session_id const& id) const {
  return options_.prefix + std::string(sessions_folder) + id.to_hex() + ".request";
}

std::string s3_store::token_key(std::string_view token) const {
  return options_.prefix + std::string(sessions_folder) + std::string(token) + ".token";
}

std::string s3_store::upload_key(s3_record const& r) const {
  return r.request_object ? request_key(r.record.id) : object_key(r.record.destination);
}

std::string s3_store::tombstone_key(core::session_id const& id) const {
  return options_.prefix + std::string(sessions_folder) + id.to_hex() + ".end";
}

std::string s3_store::buffer_name(core::session_id const& id) const {
  return id.to_hex() + ".part";
}

status s3_store::check_destination(std::string_view destination, bool allow_overwrite) {
  std::string const key = object_key(destination);
  if (!allow_overwrite) {
    auto head = client_->head_object(key);
    if (head) return error::destination_exists;
    if (head.error().kind != s3::errc::no_such_key)
      return s3_failure("S3 HeadObject", head.error());
  }
  // A name with objects below it is a folder to a client that downloads them.
  auto below = client_->list_objects(key + "/", 1);
  if (!below) return s3_failure("S3 ListObjectsV2", below.error());
  if (!below->empty()) return error::destination_is_directory;
  return {};
}

status s3_store::put_record(s3_record const& r) {
  std::string const json = encode_s3_record(r);
  auto put = client_->put_object(record_key(r.record.id),
                                 std::as_bytes(std::span{json.data(), json.size()}));
  if (!put) return s3_failure("S3 PutObject record", put.error());
  return {};
}

status s3_store::open_buffer(core::session_id const& id, s3_session& s) {
  std::string const name = buffer_name(id);
  unique_fd fd{::openat(buffer_dir_.get(), name.c_str(),
                        O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (!fd) return io_failure("create part buffer", errno);
  s.buffer = std::move(fd);
  s.buffered = 0;
  return {};
}

status s3_store::create(session_record const& record) {
  s3_record fresh{record, {}, options_.part_size, options_.upload_reply};
  auto up = client_->create_multipart(upload_key(fresh));
  if (!up) return s3_failure("S3 CreateMultipartUpload", up.error());
  auto s = std::make_shared<s3_session>();
  s->saved = std::move(fresh);
  s->saved.upload_id = std::move(*up);
  s->saved.record.received = 0;
  auto ec = put_record(s->saved);
  if (!ec) ec = open_buffer(record.id, *s);
  if (ec) {
    static_cast<void>(client_->abort_multipart(upload_key(s->saved), s->saved.upload_id));
    static_cast<void>(client_->delete_object(record_key(record.id)));
    return ec;
  }
  std::lock_guard lock(mutex_);
  sessions_[record.id] = std::move(s);
  return {};
}

status_or<s3_record> s3_store::fetch_record(core::session_id const& id) {
  auto body = client_->get_object(record_key(id));
  if (!body) {
    if (body.error().kind == s3::errc::no_such_key) return error::session_not_found;
    return s3_failure("S3 GetObject record", body.error());
  }
  auto r =
      decode_s3_record(std::string_view(reinterpret_cast<char const*>(body->data()), body->size()));
  if (!r || r->record.id != id) return io_failure("decode session record", EINVAL);
  return std::move(*r);
}

status_or<session_record> s3_store::load(core::session_id const& id) {
  auto r = fetch_record(id);
  if (!r) return r.error();
  auto s = std::make_shared<s3_session>();
  s->saved = std::move(*r);
  session_record rec = s->saved.record;
  if (rec.state == session_state::receiving) {
    auto parts = client_->list_parts(upload_key(s->saved), s->saved.upload_id);
    if (!parts && parts.error().kind == s3::errc::no_such_upload && s->saved.request_object) {
      // Upload-reply: completed into the request object, the application not yet
      // answered (a resent last fragment calls it again).
      auto head = client_->head_object(upload_key(s->saved));
      if (!head && head.error().kind != s3::errc::no_such_key) {
        return s3_failure("S3 HeadObject request", head.error());
      }
      if (!head || !rec.total || head->size != *rec.total) return error::session_not_found;
      rec.received = *rec.total;
      s->part_start = rec.received;
      s->request_ready = true;
    } else if (!parts) {
      // Completed or aborted by another node meanwhile: the session is over.
      if (parts.error().kind == s3::errc::no_such_upload) {
        return error::session_not_found;
      }
      return s3_failure("S3 ListParts", parts.error());
    } else {
      rec.received = durable_prefix(*parts, s->saved.part_size, rec.total);
      s->part_start = rec.received;
      if (auto ec = open_buffer(id, *s)) return ec;
    }
  } else {
    rec.received = rec.total.value_or(0);
  }
  std::lock_guard lock(mutex_);
  sessions_[id] = std::move(s);
  return rec;
}

status_or<std::uint64_t> s3_store::catch_up(core::session_id const& id, std::uint64_t held) {
  auto found = session_of(id);
  if (!found) return found.error();
  auto& s = **found;
  if (!s.buffer || s.saved.record.state != session_state::receiving) return held;
  auto parts = client_->list_parts(upload_key(s.saved), s.saved.upload_id);
  if (!parts) {
    if (parts.error().kind == s3::errc::no_such_upload) return error::session_not_found;
    return s3_failure("S3 ListParts", parts.error());
  }
  auto const durable = durable_prefix(*parts, s.saved.part_size, s.saved.record.total);
  if (durable <= held || durable <= s.part_start + s.buffered) return held;
  // Other nodes uploaded the parts this node's buffer was filling: start after them.
  s.part_start = durable;
  s.buffered = 0;
  return durable;
}

status_or<std::shared_ptr<s3_session>> s3_store::session_of(core::session_id const& id) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(id); it != sessions_.end()) return it->second;
  }
  auto loaded = load(id);
  if (!loaded) return loaded.error();
  std::lock_guard lock(mutex_);
  return sessions_.at(id);
}

status_or<std::unique_ptr<data_writer>> s3_store::open_data(core::session_id const& id) {
  auto s = session_of(id);
  if (!s) return s.error();
  if (!(*s)->buffer) return error::session_not_found;  // complete already
  return std::unique_ptr<data_writer>(std::make_unique<s3_writer>(*this, std::move(*s)));
}

status s3_store::write(s3_session& s, std::uint64_t offset, std::span<std::byte const> bytes) {
  auto const part = s.saved.part_size;
  if (offset < s.part_start) {
    // Already in an uploaded part (this node or another): the same bytes, skipped.
    auto const skip = std::min<std::uint64_t>(s.part_start - offset, bytes.size());
    bytes = bytes.subspan(static_cast<std::size_t>(skip));
    offset += skip;
  }
  if (bytes.empty()) return {};
  if (offset > s.part_start + s.buffered) return io_failure("write beyond part buffer", EINVAL);
  s.buffered = offset - s.part_start;  // the caller holds no more than this
  auto const total = s.saved.record.total;
  while (!bytes.empty()) {
    auto const room = part - s.buffered;
    auto const take = static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size()));
    if (auto ec =
            write_all_at(s.buffer.get(), s.buffered, bytes.first(take), "write part buffer")) {
      return ec;
    }
    s.buffered += take;
    bytes = bytes.subspan(take);
    // A full part that is not the file's last goes to the store now; the last waits
    // for commit (which may then need just one PUT).
    bool const last = !total || s.part_start + part >= *total;
    if (s.buffered == part && !last) {
      if (auto ec = upload_buffer(s)) return ec;
      s.part_start += part;
      s.buffered = 0;
    }
  }
  return {};
}

status s3_store::read_buffer(s3_session const& s, std::vector<std::byte>& out) const {
  out.resize(static_cast<std::size_t>(s.buffered));
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t const n =
        ::pread(s.buffer.get(), out.data() + got, out.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_failure("read part buffer", errno);
    if (n == 0) return io_failure("part buffer shorter than buffered", EIO);
    got += static_cast<std::size_t>(n);
  }
  return {};
}

status s3_store::upload_buffer(s3_session& s) {
  std::vector<std::byte> body;
  if (auto ec = read_buffer(s, body)) return ec;
  auto const number = static_cast<int>(s.part_start / s.saved.part_size) + 1;
  auto etag = client_->upload_part(upload_key(s.saved), s.saved.upload_id, number, body);
  if (!etag) {
    if (etag.error().kind == s3::errc::no_such_upload) {
      return error::session_not_found;  // completed or aborted elsewhere
    }
    return s3_failure("S3 UploadPart", etag.error());
  }
  return {};
}

status s3_store::save(session_record const& record, bool /*durable*/) {
  auto s = session_of(record.id);
  if (!s) return s.error();
  auto& saved = (*s)->saved;
  if (record.total && *record.total > saved.part_size * s3_max_parts) {
    return error::upload_too_large;
  }
  // Only what the record holds matters; activity alone is written once per interval.
  session_record next = record;
  next.received = 0;
  session_record const& was = saved.record;
  bool const changed = next.total != was.total || next.state != was.state ||
                       next.reply_token != was.reply_token || next.reply_url != was.reply_url ||
                       next.destination != was.destination || next.principal != was.principal;
  if (!changed && next.last_activity - was.last_activity < options_.activity_interval) return {};
  s3_record r = saved;
  r.record = next;
  if (auto ec = put_record(r)) return ec;
  // Upload-reply: the application has answered; its files were copies.
  if (r.request_object && r.record.state == session_state::complete) drop_local_files(record.id);
  saved = std::move(r);
  return {};
}

status s3_store::put_whole(s3_session& s, bool allow_overwrite) {
  std::vector<std::byte> body;
  if (auto ec = read_buffer(s, body)) return ec;
  std::string const key = upload_key(s.saved);
  s3::write_conditions cond;
  cond.if_none_match = !allow_overwrite;
  auto put = client_->put_object(key, body, cond);
  if (!put && put.error().kind == s3::errc::precondition_failed) {
    // Our own earlier attempt, retried after its answer was lost, or another file.
    auto head = client_->head_object(key);
    if (!head || head->etag != s3::md5_etag(body)) return error::destination_exists;
  } else if (!put) {
    return s3_failure("S3 PutObject", put.error());
  }
  // The multipart upload started at Create-Session is not needed.
  static_cast<void>(client_->abort_multipart(key, s.saved.upload_id));
  return {};
}

status s3_store::complete(s3_session& s, std::uint64_t total, bool allow_overwrite) {
  std::string const key = upload_key(s.saved);
  auto const part = s.saved.part_size;
  if (s.buffered > 0) {
    if (auto ec = upload_buffer(s)) return ec;
  }
  auto parts = client_->list_parts(key, s.saved.upload_id);
  if (!parts) {
    if (parts.error().kind == s3::errc::no_such_upload) {
      return error::session_not_found;
    }
    return s3_failure("S3 ListParts", parts.error());
  }
  // Exactly parts 1..n, each where the byte positions put it; stray higher numbers (none
  // expected) are left out, which discards them.
  auto const count = (total + part - 1) / part;
  std::vector<s3::part_info> use;
  for (auto const& p : *parts) {
    if (p.number < 1 || static_cast<std::uint64_t>(p.number) > count) continue;
    auto const expect_size =
        static_cast<std::uint64_t>(p.number) == count ? total - (count - 1) * part : part;
    if (p.number != static_cast<int>(use.size()) + 1 || p.size != expect_size) {
      return io_failure("multipart upload misses bytes", EIO);
    }
    use.push_back(p);
  }
  if (use.size() != count) return io_failure("multipart upload misses bytes", EIO);
  s3::write_conditions cond;
  if (!allow_overwrite) {
    // Stores that honour If-None-Match on CompleteMultipartUpload (AWS S3) refuse
    // atomically; those that ignore it (Ceph RGW 16.2) rely on this check, which leaves
    // the time of one request for another writer of the same name.
    auto head = client_->head_object(key);
    if (head) return error::destination_exists;
    if (head.error().kind != s3::errc::no_such_key)
      return s3_failure("S3 HeadObject", head.error());
    cond.if_none_match = true;
  }
  auto done = client_->complete_multipart(key, s.saved.upload_id, use, cond);
  if (!done) {
    auto const kind = done.error().kind;
    if (kind == s3::errc::precondition_failed) return error::destination_exists;
    if (kind != s3::errc::no_such_upload)
      return s3_failure("S3 CompleteMultipartUpload", done.error());
    // Completed already: by our own attempt whose answer was lost, or by another node
    // with the same parts. The object then has exactly these parts' ETag.
    auto head = client_->head_object(key);
    if (!head || head->etag != s3::multipart_etag(use)) {
      return error::session_not_found;
    }
  }
  return {};
}

status s3_store::commit(session_record const& record, bool allow_overwrite) {
  auto found = session_of(record.id);
  if (!found) return found.error();
  auto& s = **found;
  auto const total = record.received;
  status ec;
  if (s.saved.request_object) {
    // Upload-reply, the application asked for a copy: the request object, as the
    // application got it, published under the destination.
    ec = prepare_request(record);
    if (!ec)
      ec = upload_file(spool_file_path(record.id, spool_file::request),
                       object_key(record.destination), allow_overwrite);
  } else if (!s.buffer || s.part_start + s.buffered != total) {
    return io_failure("part buffer does not end at received", EIO);
  } else {
    ec = s.part_start == 0 ? put_whole(s, allow_overwrite) : complete(s, total, allow_overwrite);
  }
  if (ec == error::session_not_found) {
    // The multipart upload is gone: another node that got the same bytes committed the
    // file (its record says so), or the session was cancelled.
    auto now = fetch_record(record.id);
    if (now && now->record.state == session_state::complete && now->record.total == record.total) {
      ec = {};
    }
  }
  if (ec) return ec;
  s.buffer.reset();
  static_cast<void>(::unlinkat(buffer_dir_.get(), buffer_name(record.id).c_str(), 0));
  s.buffered = 0;
  s3_record done = s.saved;
  done.record = record;
  done.record.received = 0;
  done.record.state = session_state::complete;
  if (auto put = put_record(done)) return put;
  s.saved = std::move(done);
  drop_local_files(record.id);
  return {};
}

void s3_store::forget(core::session_id const& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

status s3_store::remove_objects(s3_record const& saved) {
  auto const& id = saved.record.id;
  if (saved.record.state == session_state::receiving) {
    auto aborted = client_->abort_multipart(upload_key(saved), saved.upload_id);
    if (!aborted && aborted.error().kind != s3::errc::no_such_upload) {
      return s3_failure("S3 AbortMultipartUpload", aborted.error());
    }
  }
  if (auto gone = client_->delete_object(reply_key(id)); !gone) {
    return s3_failure("S3 DeleteObject reply", gone.error());
  }
  if (saved.request_object) {
    if (auto gone = client_->delete_object(request_key(id)); !gone) {
      return s3_failure("S3 DeleteObject request", gone.error());
    }
  }
  if (!saved.record.reply_token.empty()) {
    if (auto gone = client_->delete_object(token_key(saved.record.reply_token)); !gone) {
      return s3_failure("S3 DeleteObject reply token", gone.error());
    }
  }
  if (auto gone = client_->delete_object(record_key(id)); !gone) {
    return s3_failure("S3 DeleteObject record", gone.error());
  }
  return {};
}

status s3_store::discard(core::session_id const& id) {
  std::shared_ptr<s3_session> s;
  {
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(id); it != sessions_.end()) s = it->second;
  }
  s3_record saved;
  if (s) {
    saved = s->saved;
  } else {
    auto r = fetch_record(id);
    if (!r) return r.error() == error::session_not_found ? status{} : r.error();
    saved = std::move(*r);
  }
  if (auto ec = remove_objects(saved)) return ec;
  static_cast<void>(::unlinkat(buffer_dir_.get(), buffer_name(id).c_str(), 0));
  drop_local_files(id);
  forget(id);
  return {};
}

// Tombstones live in the bucket, so the node a replayed Close or Cancel reaches answers
// it whichever node ended the session. Written before the record goes (the service's
// order), so a session is never without both.
status s3_store::add_tombstone(tombstone_record const& t, bool /*durable*/) {
  std::string_view const how = t.how == tombstone::closed ? "closed" : "cancelled";
  auto put = client_->put_object(tombstone_key(t.id), std::as_bytes(std::span{how}));
  if (!put) return s3_failure("S3 PutObject tombstone", put.error());
  return {};
}

std::optional<tombstone_record> s3_store::find_tombstone(core::session_id const& id) {
  s3::object_info info;
  auto body = client_->get_object(tombstone_key(id), std::nullopt, {}, &info);
  if (!body) return std::nullopt;
  std::string_view const text(reinterpret_cast<char const*>(body->data()), body->size());
  return tombstone_record{id, text == "cancelled" ? tombstone::cancelled : tombstone::closed,
                          info.last_modified};
}

status s3_store::maintain_tombstones(std::int64_t now, std::int64_t oldest) {
  {
    std::lock_guard lock(mutex_);
    if (now < next_sweep_) return {};
    next_sweep_ = now + options_.sweep_interval;
  }
  return sweep(now, oldest);
}

status s3_store::sweep(std::int64_t now, std::int64_t oldest) {
  auto listed = client_->list_objects(options_.prefix + std::string(sessions_folder));
  if (!listed) return s3_failure("S3 ListObjectsV2", listed.error());
  status first;
  auto const note = [&first](status ec) {
    if (ec && !first) first = std::move(ec);
  };
  auto const idle_before = now - options_.session_timeout;
  for (auto const& e : *listed) {
    std::string_view const key = e.key;
    if (key.ends_with(".end")) {
      if (e.last_modified >= oldest) continue;
      if (auto gone = client_->delete_object(e.key); !gone) {
        note(s3_failure("S3 DeleteObject tombstone", gone.error()));
      }
      continue;
    }
    // The record is rewritten at least every activity_interval while a session is in
    // use, so an old object is an idle session: read it to be sure, then remove it.
    if (options_.session_timeout <= 0 || !key.ends_with(".json") ||
        e.last_modified >= idle_before) {
      continue;
    }
    auto const name = key.substr(key.rfind('/') + 1);
    auto const id = core::parse_session_hex(name.substr(0, name.size() - 5));
    if (!id) continue;
    auto r = fetch_record(*id);
    if (!r) {
      if (r.error() != error::session_not_found) note(r.error());
      continue;
    }
    if (r->record.last_activity >= idle_before) continue;
    note(remove_objects(*r));
  }
  return first;
}

status s3_store::probe() {
  // A key no session uses; written and removed again, so a probe leaves nothing.
  std::string const key = options_.prefix + std::string(sessions_folder) + "probe-" +
                          std::to_string(::getpid()) + "-" + std::to_string(::time(nullptr));
  std::string_view const body = "openbitsd";
  auto put = client_->put_object(key, std::as_bytes(std::span{body}));
  if (!put) return s3_failure("S3 PutObject probe", put.error());
  auto gone = client_->delete_object(key);
  if (!gone) return s3_failure("S3 DeleteObject probe", gone.error());
  return {};
}

status_or<std::uint64_t> s3_store::free_bytes() const {
  // The bucket has no such limit; the node's part buffers do.
  struct statvfs st {};
  if (::fstatvfs(buffer_dir_.get(), &st) != 0) return io_failure("statvfs part buffers", errno);
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

status_or<recovery_report> s3_store::recover() {
  // Sessions are loaded from the store when a packet names them (load); the buffers a
  // previous run left are partial parts nobody will complete.
  std::vector<std::string> names;
  if (auto ec = list_names(buffer_dir_.get(), names)) return ec;
  // The hooks' outbox shares the folder: its pending events outlive a restart.
  std::erase(names, std::string{spool_hooks_dir});
  recovery_report report;
  for (auto const& n : names) {
    if (::unlinkat(buffer_dir_.get(), n.c_str(), 0) == 0) {
      report.discarded.push_back(n + ": part buffer of an earlier run removed");
    }
  }
  return report;
}

}  // namespace detail

bool store_unavailable(status const& failure) noexcept {
  auto const& detail = failure.why().detail;
  return failure == error::storage_failure && detail.category() == s3::s3_category() &&
         s3::is_transient(static_cast<s3::errc>(detail.value()));
}

status_or<std::unique_ptr<upload_store>> open_s3_store(s3_store_options options) {
  auto const fail = [](std::string operation, int err) -> status {
    if (err != 0) return status::from_errno(std::move(operation), err);
    return {error::storage_failure, cause(std::move(operation))};
  };
  if (options.part_size < s3_min_part_size) {
    return fail("part size below S3's minimum of 5 MiB", 0);
  }
  if (!options.prefix.empty() && options.prefix.back() != '/') {
    return fail("prefix must be empty or end with '/'", 0);
  }
  if (options.buffer_dir.empty()) return fail("no folder for part buffers", 0);
  if (::mkdir(options.buffer_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    int const err = errno;  // before the text is built: allocation may change errno
    return fail("cannot create part buffer folder '" + options.buffer_dir + "'", err);
  }
  detail::unique_fd dir{::open(options.buffer_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (!dir) {
    int const err = errno;
    return fail("cannot open part buffer folder '" + options.buffer_dir + "'", err);
  }
  auto client = s3::client::create(options.client);
  if (!client) return fail(client.error().message, 0);
  return std::unique_ptr<upload_store>(
      std::make_unique<detail::s3_store>(std::move(options), std::move(*client), std::move(dir)));
}

}  // namespace bits::storage
