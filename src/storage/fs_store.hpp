// The filesystem upload_store, declared for its two implementation files
// (fs_store.cpp: sessions and commit; fs_recover.cpp: start-up recovery;
// fs_published.cpp: opening published files for downloads).
// Internal to src/storage; everything else uses open_fs_store().
//
// Spool layout, one folder per session, named by core::session_id::to_hex():
//   <spool>/<HEX>/data            the bytes received so far (published by commit)
//   <spool>/<HEX>/meta.json       two slots rewritten in place, see metadata.hpp
//   <spool>/<HEX>/reply           upload-reply: the application's reply
//   <spool>/tombstones/           the tombstone journal, see tombstone_journal.hpp
//
// Commit publishes the synced data file under a second name: a link to
// <dest folder>/.bits-commit-<HEX>, renamed onto the destination (RENAME_NOREPLACE
// unless overwrites are allowed); then it fsyncs the destination folder, saves the
// metadata as complete, and only then unlinks the spool's name. Until that unlink the
// data file has two names, which is how recover() knows that a commit had begun: such
// a file was synced whole, and may be the published file itself, so it is never cut.
//
// A session's spool entry is created at its first Fragment (deferred_create). When that
// Fragment carries the whole file (open_whole, fs_whole.cpp), the bytes go to an unnamed
// file (O_TMPFILE) in the destination folder, published by linkat after fdatasync; no
// spool entry at all, a `committed` tombstone instead. Folder syncs of concurrent
// commits into one folder are shared (dir_syncer).
#pragma once

#include "storage/dir_fd.hpp"
#include "storage/dir_sync.hpp"
#include "storage/metadata.hpp"
#include "storage/tombstone_journal.hpp"
#include "storage/upload_store.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace bits::storage::detail {

inline constexpr char const* data_name = "data";
inline constexpr char const* meta_name = "meta.json";
inline constexpr char const* reply_name = "reply";
/// Prefix of the temporary name a commit links in the destination folder before the
/// rename onto the destination (".bits-" names are reserved: no URL can reach them).
inline constexpr char const* commit_link_prefix = ".bits-commit-";

class fs_store final : public upload_store {
 public:
  /// Takes the opened root and spool; `boot_id` is the kernel's, "" if unknown.
  fs_store(unique_fd root, unique_fd spool, confinement conf, std::string boot_id,
           fs_store_options options);

  status check_destination(std::string_view destination, bool allow_overwrite) override;
  status create(session_record const& record) override;
  status_or<std::unique_ptr<data_writer>> open_data(core::session_id const& id) override;
  status save(session_record const& record, bool durable) override;
  bool syncs_spool_at_once() const noexcept override { return true; }
  status sync_spool() override;
  status save_after_spool_sync(session_record const& record) override;
  status commit(session_record const& record, bool allow_overwrite) override;
  bool deferred_create() const noexcept override { return true; }
  status_or<std::unique_ptr<data_writer>> open_whole(session_record const& record) override;
  status commit_whole(session_record const& record, data_writer& writer,
                      bool allow_overwrite) override;
  status discard(core::session_id const& id) override;
  status add_tombstone(tombstone_record const& t, bool durable) override;
  status maintain_tombstones(std::int64_t now, std::int64_t oldest) override;
  status_or<readable_file> open_published(std::string_view destination) override;
  std::string spool_file_path(core::session_id const& id, spool_file which) const override;
  status_or<std::uint64_t> free_bytes() const override;
  status reset_reply(core::session_id const& id) override;
  status_or<readable_file> open_reply(core::session_id const& id) override;

  /// The spool's absolute path, for spool_file_path.
  void set_spool_path(std::string path) { spool_path_ = std::move(path); }
  status_or<recovery_report> recover() override;

 private:
  /// O_PATH descriptor of the session's spool folder, or -1 with errno set.
  [[nodiscard]] unique_fd open_entry(std::string const& hex) const noexcept;

  /// What is remembered of a session's meta.json between calls.
  struct meta_state {
    std::uint64_t durable = 0;   ///< leading bytes of the data file known to be synced
    std::uint64_t seq = 0;       ///< version in meta.json now (0: unknown)
    bool folder_synced = false;  ///< the folder (so meta.json's name) has been fsynced
  };

  /// How a metadata write is made durable.
  enum class meta_sync : std::uint8_t {
    none,        ///< not: meta.durable is what an earlier durable save recorded
    now,         ///< the file is synced, and the folder once per session
    spool_sync,  ///< by the next sync_spool(); a finished one made the data durable
  };

  /// Writes `meta` as the next version into the older slot of meta.json in the folder
  /// `entry`, made durable as `how` says.
  [[nodiscard]] status write_metadata(int entry, stored_metadata const& meta, meta_sync how);

  /// The remembered state of `id`, else read from its meta.json (zeros if unreadable).
  [[nodiscard]] meta_state state_of(core::session_id const& id, int entry);

  /// Links the data file of `entry` at `place` (no replacing unless allowed) through
  /// the temporary name commit_link_prefix + `hex` in the same folder.
  [[nodiscard]] static status publish(int entry, std::string const& hex,
                                      destination_place const& place, bool allow_overwrite);

  /// For a data file with more than one name (a commit had begun, see above): removes
  /// the temporary link an overwriting commit may have left in the destination folder.
  void remove_commit_link(std::string const& hex, std::string_view destination,
                          file_identity data) const;

  /// Removes the spool entry `name` (a session folder or a stray file). ENOENT is fine.
  [[nodiscard]] status remove_entry(std::string const& name) const;

  /// Session ids (of spool entries, or of those that ended).
  using ended_set = std::unordered_set<core::session_id, core::session_id_hash>;

  /// Loads one spool entry into `report` (sessions or discarded); entries of `ended`
  /// sessions are removed.
  void recover_entry(std::string const& name, ended_set const& ended, recovery_report& report);

  /// Corrects `meta` of a receiving session to what its data file really holds.
  /// Returns an empty string, or why the entry must be discarded.
  [[nodiscard]] std::string recover_received(int entry, std::string const& hex,
                                             stored_metadata& meta) const;

  void remember(core::session_id const& id, meta_state state);
  void forget(core::session_id const& id);

  unique_fd root_;
  unique_fd spool_;
  confinement conf_;
  std::string boot_id_;
  fs_store_options options_;
  tombstone_journal tombstones_{spool_.get()};
  dir_syncer dirs_;  ///< destination folder syncs, shared by concurrent commits
  std::string spool_path_;
  std::mutex mutex_;  ///< guards states_ (calls for different sessions run concurrently)
  std::unordered_map<core::session_id, meta_state, core::session_id_hash> states_;
};

/// The current version in the meta.json of the folder `entry`. Errors: storage_failure
/// (unreadable, ENOENT included; or no valid slot, caused by EINVAL).
[[nodiscard]] status_or<meta_version> read_metadata(int entry);

/// The kernel's boot id from /proc/sys/kernel/random/boot_id, or "" when unreadable
/// or not in the expected form ("" makes recovery assume a reboot).
[[nodiscard]] std::string read_boot_id();

}  // namespace bits::storage::detail
