// The object-store upload_store, declared for its implementation files (s3_store.cpp:
// sessions, parts and commit; s3_read.cpp: downloads and replies; s3_record.cpp: the
// record's JSON). Internal to src/storage; everything else uses open_s3_store().
#pragma once

#include "storage/dir_fd.hpp"
#include "storage/s3_store.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace bits::storage::detail {

/// What the record object holds.
struct s3_record {
  session_record record;  ///< `received` is not stored (always 0 when decoded)
  std::string upload_id;
  std::uint64_t part_size = 0;
  /// Upload-reply: the multipart upload targets the session's request object.
  bool request_object = false;
};

[[nodiscard]] std::string encode_s3_record(s3_record const& r);
[[nodiscard]] std::optional<s3_record> decode_s3_record(std::string_view json);

/// What this node knows of one session it holds. Calls for one session are serialised
/// by the caller, so only the map of them is locked.
struct s3_session {
  s3_record saved;               ///< as last written to the store
  std::uint64_t part_start = 0;  ///< first byte of the part being filled (k * part_size)
  std::uint64_t buffered = 0;    ///< bytes [part_start, part_start + buffered) in `buffer`
  unique_fd buffer;              ///< the part being filled, in buffer_dir
  /// Upload-reply: every byte is in the request object (its upload completed).
  bool request_ready = false;
};

class s3_store final : public upload_store {
 public:
  s3_store(s3_store_options options, std::unique_ptr<s3::client> client, unique_fd buffer_dir);

  status check_destination(std::string_view destination, bool allow_overwrite) override;
  status create(session_record const& record) override;
  status_or<std::unique_ptr<data_writer>> open_data(core::session_id const& id) override;
  status save(session_record const& record, bool durable) override;
  status commit(session_record const& record, bool allow_overwrite) override;
  status discard(core::session_id const& id) override;
  status_or<session_record> load(core::session_id const& id) override;
  status_or<std::uint64_t> catch_up(core::session_id const& id, std::uint64_t held) override;
  std::optional<tombstone_record> find_tombstone(core::session_id const& id) override;
  status probe() override;
  status add_tombstone(tombstone_record const& t, bool durable) override;
  status maintain_tombstones(std::int64_t now, std::int64_t oldest) override;
  status_or<readable_file> open_published(std::string_view destination) override;
  status_or<std::uint64_t> free_bytes() const override;
  std::string spool_file_path(core::session_id const& id, spool_file which) const override;
  status prepare_request(session_record const& record) override;
  status keep_reply(session_record const& record) override;
  status_or<core::session_id> find_reply(std::string_view token) override;
  status reset_reply(core::session_id const& id) override;
  status_or<readable_file> open_reply(core::session_id const& id) override;
  status_or<recovery_report> recover() override;

  /// Appends `bytes` at `offset` to the session's part buffer, uploading each part that
  /// fills (but the last). Bytes below the buffer (already in a part) are skipped; a
  /// write below the buffer's end drops what the buffer held from there.
  [[nodiscard]] status write(s3_session& s, std::uint64_t offset, std::span<std::byte const> bytes);

  [[nodiscard]] s3::client& client() const noexcept { return *client_; }

 private:
  [[nodiscard]] std::string object_key(std::string_view destination) const;
  [[nodiscard]] std::string record_key(core::session_id const& id) const;
  [[nodiscard]] std::string reply_key(core::session_id const& id) const;
  [[nodiscard]] std::string request_key(core::session_id const& id) const;
  [[nodiscard]] std::string token_key(std::string_view token) const;
  /// The key the session's multipart upload (or single PUT) writes: its destination, or
  /// its request object.
  [[nodiscard]] std::string upload_key(s3_record const& r) const;
  /// Removes the node-local copies of the request and reply files handed to an
  /// upload-reply application.
  void drop_local_files(core::session_id const& id) const;
  /// Copies the request object into the local request file.
  [[nodiscard]] status fetch_request(s3_session const& s);
  /// Uploads the local file `path` (all of it) to `key`, refusing to replace an
  /// existing object unless `allow_overwrite`. Errors: destination_exists, the store's.
  [[nodiscard]] status upload_file(std::string const& path, std::string const& key,
                                   bool allow_overwrite);
  [[nodiscard]] std::string buffer_name(core::session_id const& id) const;
  [[nodiscard]] std::string tombstone_key(core::session_id const& id) const;
  /// Removes what the bucket holds of sessions inactive for session_timeout and the
  /// tombstones older than `oldest`.
  [[nodiscard]] status sweep(std::int64_t now, std::int64_t oldest);
  /// Aborts the record's multipart upload and deletes its reply and record.
  [[nodiscard]] status remove_objects(s3_record const& saved);

  /// The session's state, loading its record from the store when this node does not
  /// hold it. Errors: session_not_found, the store's.
  [[nodiscard]] status_or<std::shared_ptr<s3_session>> session_of(core::session_id const& id);
  /// Reads and decodes the record. Errors: session_not_found, storage_failure, the store's.
  [[nodiscard]] status_or<s3_record> fetch_record(core::session_id const& id);
  /// Writes `r` as the record.
  [[nodiscard]] status put_record(s3_record const& r);
  /// Opens (creating) the session's buffer file, emptied.
  [[nodiscard]] status open_buffer(core::session_id const& id, s3_session& s);
  /// Uploads the buffered part (part number part_start / part_size + 1).
  [[nodiscard]] status upload_buffer(s3_session& s);
  /// Reads the whole buffer into memory.
  [[nodiscard]] status read_buffer(s3_session const& s, std::vector<std::byte>& out) const;
  /// Publishes a file whose bytes are all in the buffer with one PUT.
  [[nodiscard]] status put_whole(s3_session& s, bool allow_overwrite);
  /// Uploads the last part and completes the multipart upload.
  [[nodiscard]] status complete(s3_session& s, std::uint64_t total, bool allow_overwrite);
  void forget(core::session_id const& id);

  s3_store_options options_;
  std::unique_ptr<s3::client> client_;
  unique_fd buffer_dir_;
  std::mutex mutex_;  ///< guards sessions_
  std::unordered_map<core::session_id, std::shared_ptr<s3_session>, core::session_id_hash>
      sessions_;
  std::int64_t next_sweep_ = 0;  ///< guarded by mutex_
};

/// storage_failure caused by the S3 call `operation` failing with `f` (its kind as the
/// cause's detail, its description as the cause's message).
[[nodiscard]] status s3_failure(char const* operation, s3::failure const& f);

}  // namespace bits::storage::detail
