// What a hook is told: one event in the life of an upload, and its JSON form (the
// body of a webhook POST, the standard input of an executable hook).
//
// The JSON object (UTF-8, one line, no trailing newline), field by field:
//   "version"         1; a receiver should refuse higher versions it does not know
//   "id"              32 lower-case hex digits naming this event; every delivery of the
//                     event carries the same id (deliveries are at least once, so a
//                     receiver drops ids it has seen). Derived from the session id and
//                     the type (post-* events), random for pre-create
//   "type"            "pre-create", "post-commit", "post-cancel", "post-expire",
//                     "post-evict"
//   "time"            when the event happened, RFC 3339 UTC ("2026-12-03T14:06:25Z")
//   "vdir"            URL prefix of the virtual directory ("/up/")
//   "url_path"        the destination's URL path, percent-encoded ("/up/a%20b.bin")
//   "file_path"       where the file is published (post-commit) or would be, as an
//                     absolute path; bytes of a name that are not UTF-8 appear as
//                     U+FFFD here, url_path has them exactly. null on an object store
//   "bucket"          object store (storage = "s3"): the bucket; null on a file system
//   "key"             object store: the object's key (s3_prefix + the destination),
//                     U+FFFD for bytes that are not UTF-8; null on a file system
//   "size"            post-commit: bytes of the file; post-cancel, -expire, -evict: bytes
//                     received so far; pre-create: null
//   "declared_size"   pre-create: the size the client announced, or null (Windows BITS
//                     announces none at Create-Session); other events: the session's
//                     total when known, else null
//   "sha256"          post-commit: SHA-256 of the file, 64 lower-case hex digits; null
//                     otherwise
//   "principal"       the authenticated user ("DOMAIN\\user", "alice"); "" when anonymous
//   "client_address"  the client's IP address as the server saw it ("192.0.2.7", "::1")
//   "session_id"      BITS-Session-Id, "{GUID}"; null for pre-create (not assigned yet)
//   "created"         when the session was created, RFC 3339 UTC; null for pre-create
//   "committed"       post-commit: when the file was published, RFC 3339 UTC; else null
#pragma once

#include "core/session_id.hpp"
#include "hooks/sha256.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::hooks {

enum class event_type : std::uint8_t {
  pre_create,   ///< before Create-Session is accepted; the hook may refuse it
  post_commit,  ///< the file is published at its destination
  post_cancel,  ///< the client cancelled the session
  post_expire,  ///< the session timed out and was removed
  post_evict,   ///< the session was evicted to make room for others
};

/// "pre-create", "post-commit", ...
[[nodiscard]] std::string_view to_string(event_type type) noexcept;

/// The type named by `text` (as to_string writes it), or nullopt.
[[nodiscard]] std::optional<event_type> parse_event_type(std::string_view text) noexcept;

/// One event. Times are unix seconds.
struct event {
  event_type type = event_type::post_commit;
  std::string id;         ///< see make_event_id / random_event_id
  std::int64_t time = 0;  ///< when it happened
  std::string vdir;       ///< URL prefix, "/up/"
  std::string url_path;   ///< decoded URL path of the destination, "/up/a b.bin"
  std::string file_path;  ///< absolute file-system path of the destination; "" on S3
  std::string bucket;     ///< bucket of the destination on an object store, else ""
  std::string key;        ///< object key of the destination on an object store, else ""
  std::optional<std::uint64_t> size;
  std::optional<std::uint64_t> declared_size;
  std::optional<sha256_digest> sha256;
  std::string principal;
  std::string client_address;
  std::optional<core::session_id> session_id;
  std::optional<std::int64_t> created;
  std::optional<std::int64_t> committed;
};

/// The id of the `type` event of session `id`: 32 hex digits from a SHA-256 of both,
/// so a retried commit records the same event again (the outbox keeps one) and the
/// session id itself never appears in logs that name events.
[[nodiscard]] std::string make_event_id(core::session_id const& id, event_type type);

/// 32 random hex digits (events without a session: pre-create).
[[nodiscard]] std::string random_event_id();

/// The JSON text described at the top of this file.
[[nodiscard]] std::string to_json(event const& e);

/// Parses what to_json wrote (tests, tools). nullopt for anything else.
[[nodiscard]] std::optional<event> event_from_json(std::string_view text);

/// RFC 3339 UTC text of unix seconds, "2026-12-03T14:06:25Z".
[[nodiscard]] std::string rfc3339(std::int64_t unix_seconds);

/// The URL path of decoded `path`, every byte outside RFC 3986 pchar and '/'
/// percent-encoded ("/up/a b.bin" -> "/up/a%20b.bin").
[[nodiscard]] std::string encode_url_path(std::string_view path);

}  // namespace bits::hooks
