// Upload-reply on the object store: the upload completed into the session's request
// object, a node-local copy of it for the server application, the application's reply
// kept as the session's reply object, and the token object through which any node finds
// the session a reply URL names.
#include "storage/data_file.hpp"
#include "storage/s3_store_impl.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace bits::storage::detail {

namespace {

/// Reads [offset, offset + len) of `fd` into `out` (exactly: the file must hold it).
status read_piece(int fd, std::uint64_t offset, std::size_t len, std::vector<std::byte>& out) {
  out.resize(len);
  std::size_t got = 0;
  while (got < len) {
    ssize_t const n = ::pread(fd, out.data() + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_failure("read local file", errno);
    if (n == 0) return io_failure("local file shorter than expected", EIO);
    got += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

std::string s3_store::spool_file_path(core::session_id const& id, spool_file which) const {
  // The application of an upload-reply directory reads and writes local files: copies,
  // in the node's buffer folder, of what the bucket holds.
  return options_.buffer_dir + "/" + id.to_hex() +
         (which == spool_file::request ? ".request" : ".reply");
}

void s3_store::drop_local_files(core::session_id const& id) const {
  for (char const* suffix : {".request", ".reply"}) {
    static_cast<void>(::unlinkat(buffer_dir_.get(), (id.to_hex() + suffix).c_str(), 0));
  }
}

status s3_store::reset_reply(core::session_id const& id) {
  static_cast<void>(::unlinkat(buffer_dir_.get(), (id.to_hex() + ".reply").c_str(), 0));
  auto gone = client_->delete_object(reply_key(id));
  if (!gone) return s3_failure("S3 DeleteObject reply", gone.error());
  return {};
}

status s3_store::prepare_request(session_record const& record) {
  auto found = session_of(record.id);
  if (!found) return found.error();
  auto& s = **found;
  if (!s.saved.request_object) return io_failure("session of a directory without replies", EINVAL);
  if (!s.request_ready) {
    // Completed into the session's own object, never under the destination: any node
    // can hand it to the application again while the session lasts.
    auto const total = record.received;
    if (!s.buffer || s.part_start + s.buffered != total) {
      return io_failure("part buffer does not end at received", EIO);
    }
    auto ec = s.part_start == 0 ? put_whole(s, true) : complete(s, total, true);
    if (ec) return ec;
    s.buffer.reset();
    static_cast<void>(::unlinkat(buffer_dir_.get(), buffer_name(record.id).c_str(), 0));
    s.part_start = total;
    s.buffered = 0;
    s.request_ready = true;
  }
  return fetch_request(s);
}

status s3_store::fetch_request(s3_session const& s) {
  auto const& id = s.saved.record.id;
  std::string const name = id.to_hex() + ".request";
  unique_fd fd{::openat(buffer_dir_.get(), name.c_str(),
                        O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (!fd) return io_failure("create request file", errno);
  std::uint64_t at = 0;
  status failed;
  s3::body_sink const sink = [&](std::span<std::byte const> bytes) {
    failed = write_all_at(fd.get(), at, bytes, "write request file");
    at += bytes.size();
    return !failed;
  };
  auto got = client_->get_object_to(request_key(id), std::nullopt, {}, sink);
  if (failed) return failed;
  if (!got) {
    if (got.error().kind == s3::errc::no_such_key) return error::session_not_found;
    return s3_failure("S3 GetObject request", got.error());
  }
  if (at != got->size) return io_failure("request object cut short", EIO);
  return {};
}

status s3_store::upload_file(std::string const& path, std::string const& key,
                             bool allow_overwrite) {
  unique_fd fd{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd)
    return errno == ELOOP ? status{error::forbidden_path} : io_failure("open local file", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_failure("stat local file", errno);
  if (!S_ISREG(st.st_mode)) return error::forbidden_path;
  auto const size = static_cast<std::uint64_t>(st.st_size);
  auto const part = options_.part_size;
  s3::write_conditions cond;
  cond.if_none_match = !allow_overwrite;
  std::vector<std::byte> body;
  if (size <= part) {
    if (auto ec = read_piece(fd.get(), 0, static_cast<std::size_t>(size), body)) return ec;
    auto put = client_->put_object(key, body, cond);
    if (put) return {};
    if (put.error().kind != s3::errc::precondition_failed) {
      return s3_failure("S3 PutObject", put.error());
    }
    // Our own earlier attempt, retried after its answer was lost, or another file.
    auto head = client_->head_object(key);
    if (!head || head->etag != s3::md5_etag(body)) return error::destination_exists;
    return {};
  }
  if (!allow_overwrite) {
    // As at commit: RGW ignores If-None-Match on CompleteMultipartUpload.
    auto head = client_->head_object(key);
    if (head) return error::destination_exists;
    if (head.error().kind != s3::errc::no_such_key)
      return s3_failure("S3 HeadObject", head.error());
  }
  auto up = client_->create_multipart(key);
  if (!up) return s3_failure("S3 CreateMultipartUpload", up.error());
  auto const abandon = [&](status ec) {
    static_cast<void>(client_->abort_multipart(key, *up));
    return ec;
  };
  std::vector<s3::part_info> parts;
  for (std::uint64_t at = 0; at < size; at += part) {
    auto const len = static_cast<std::size_t>(std::min(part, size - at));
    if (auto ec = read_piece(fd.get(), at, len, body)) return abandon(ec);
    auto const number = static_cast<int>(parts.size()) + 1;
    auto etag = client_->upload_part(key, *up, number, body);
    if (!etag) return abandon(s3_failure("S3 UploadPart", etag.error()));
    parts.push_back(s3::part_info{number, len, std::move(*etag), 0});
  }
  auto done = client_->complete_multipart(key, *up, parts, cond);
  if (!done) {
    if (done.error().kind == s3::errc::precondition_failed) {
      return abandon(error::destination_exists);
    }
    return abandon(s3_failure("S3 CompleteMultipartUpload", done.error()));
  }
  return {};
}

status s3_store::keep_reply(session_record const& record) {
  auto const& id = record.id;
  std::string const name = id.to_hex() + ".reply";
  struct stat st {};
  if (::fstatat(buffer_dir_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (auto ec = upload_file(spool_file_path(id, spool_file::reply), reply_key(id), true)) {
      return ec;
    }
  } else if (errno != ENOENT) {
    return io_failure("stat reply file", errno);
  } else {
    // No file: the application replied with nothing (reference 7.5), an empty reply.
    auto put = client_->put_object(reply_key(id), {});
    if (!put) return s3_failure("S3 PutObject reply", put.error());
  }
  if (!record.reply_token.empty()) {
    std::string const hex = id.to_hex();
    auto put = client_->put_object(token_key(record.reply_token), std::as_bytes(std::span{hex}));
    if (!put) return s3_failure("S3 PutObject reply token", put.error());
  }
  static_cast<void>(::unlinkat(buffer_dir_.get(), name.c_str(), 0));
  return {};
}

status_or<core::session_id> s3_store::find_reply(std::string_view token) {
  // Only what a token can be reaches the store as part of a key.
  if (!core::parse_session_hex(token)) return error::session_not_found;
  auto body = client_->get_object(token_key(token));
  if (!body) {
    if (body.error().kind == s3::errc::no_such_key) return error::session_not_found;
    return s3_failure("S3 GetObject reply token", body.error());
  }
  auto id = core::parse_session_hex(
      std::string_view(reinterpret_cast<char const*>(body->data()), body->size()));
  if (!id) return io_failure("decode reply token", EINVAL);
  return *id;
}

}  // namespace bits::storage::detail
