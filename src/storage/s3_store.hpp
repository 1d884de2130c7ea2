// The object-store upload_store: every byte that matters lives in an S3-compatible
// bucket, so any node of a farm continues any session. Public entry point; the class
// itself is in s3_store_impl.hpp.
//
// Layout in the bucket, below the directory's prefix P:
//   P<destination>                         published files (the multipart upload of an
//                                          open session targets this key too; S3 keeps
//                                          it invisible until it is completed)
//   P.bits-sessions/<HEX>.json             the session record (no received offset: the
//                                          durable offset is what the parts hold)
//   P.bits-sessions/<HEX>.request          upload-reply: the upload (its multipart upload
//                                          targets this key; the application gets it)
//   P.bits-sessions/<HEX>.reply            upload-reply: the application's reply
//   P.bits-sessions/<TOKEN>.token          upload-reply: the session (HEX) a reply URL names
//   P.bits-sessions/<HEX>.end              tombstone: "closed" or "cancelled", kept
//                                          tombstone_ttl so any node answers a replay
// ".bits-" is the reserved name prefix no URL can name (core::reserved_name_prefix).
//
// Parts are keyed by byte position: part k+1 always holds bytes [k*S, (k+1)*S) of the
// file, S being the session's part size (fixed at Create-Session and kept in the
// record). Two nodes that receive the same bytes upload the same part with the same
// content, so they can never corrupt a session, whatever the balancer does. A node
// buffers the part it is filling in a local file (buffer_dir) and uploads it once full;
// the last part (whatever its size) is uploaded at commit, so a file that arrives in one
// part is one PUT.
#pragma once

#include "s3/client.hpp"
#include "storage/upload_store.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace bits::storage {

/// S3's smallest part but the last.
inline constexpr std::uint64_t s3_min_part_size = 5 * 1024 * 1024;
/// S3's highest part number.
inline constexpr std::uint64_t s3_max_parts = 10000;

struct s3_store_options {
  s3::client_options client;  ///< the bucket and how to reach it
  /// Key prefix of this virtual directory ("" or ending in '/').
  std::string prefix;
  /// Size of every part but the last; at least s3_min_part_size. The largest upload is
  /// s3_max_parts times this (8 MiB: 78 GiB).
  std::uint64_t part_size = 8 * 1024 * 1024;
  /// Node-local folder for the parts being filled (created 0700 if missing).
  std::string buffer_dir;
  /// The record's last_activity is rewritten at most this often (seconds) while a
  /// session is only receiving bytes: the store sees one PUT per interval, not one per
  /// fragment.
  std::int64_t activity_interval = 30;
  /// Sessions whose record shows no activity for this long (seconds) are removed by the
  /// sweep, whichever node created them: their multipart upload is aborted. 0: never.
  std::int64_t session_timeout = 0;
  /// An upload-reply directory: a session's bytes go to its request object, not to its
  /// destination; they are published there only when the application asks for a copy.
  bool upload_reply = false;
  /// Seconds between two sweeps of the bucket's records and tombstones by this node
  /// (maintain_tombstones); every step is idempotent, so nodes may sweep together.
  std::int64_t sweep_interval = 300;
};

/// Opens the object store. Nothing is sent to the bucket yet (see check_bucket).
/// Errors: storage_failure, its cause saying what is wrong (bad options, buffer_dir
/// unusable).
///
/// Every call of the store that fails because of the bucket answers storage_failure
/// with the S3 call, its s3::errc (the cause's detail) and the store's own words
/// (s3::failure::describe) as the cause.
[[nodiscard]] status_or<std::unique_ptr<upload_store>> open_s3_store(s3_store_options options);

}  // namespace bits::storage
