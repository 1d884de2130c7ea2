// The filesystem upload_store, declared for its two implementation files
// (fs_store.cpp: sessions and commit; fs_recover.cpp: start-up recovery;
// fs_published.cpp: opening published files for downloads).
// Internal to src/storage; everything else uses open_fs_store().
//
// Spool layout, one folder per session, named by core::session_id::to_hex():
//   <spool>/<HEX>/data            the bytes received so far (published by commit)
//   <spool>/<HEX>/meta.json       see metadata.hpp
//   <spool>/<HEX>/meta.json.tmp   transient: written, then renamed over meta.json
#pragma once

#include "storage/dir_fd.hpp"
#include "storage/metadata.hpp"
#include "storage/upload_store.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bits::storage::detail {

inline constexpr char const* data_name = "data";
inline constexpr char const* meta_name = "meta.json";
inline constexpr char const* reply_name = "reply";
inline constexpr char const* meta_tmp_name = "meta.json.tmp";
/// meta.json is a few hundred bytes; anything far larger is not ours.
inline constexpr std::size_t max_meta_bytes = 64 * 1024;

class fs_store final : public upload_store {
 public:
  /// Takes the opened root and spool; `boot_id` is the kernel's, "" if unknown.
  fs_store(unique_fd root, unique_fd spool, confinement conf, std::string boot_id);

  error_code check_destination(std::string_view destination, bool allow_overwrite) override;
  error_code create(session_record const& record) override;
  result<std::unique_ptr<data_writer>> open_data(core::session_id const& id) override;
  error_code save(session_record const& record, bool durable) override;
  error_code commit(session_record const& record, bool allow_overwrite) override;
  error_code discard(core::session_id const& id) override;
  result<readable_file> open_published(std::string_view destination) override;
  std::string spool_file_path(core::session_id const& id, spool_file which) const override;
  result<std::uint64_t> free_bytes() const override;
  error_code reset_reply(core::session_id const& id) override;
  result<readable_file> open_reply(core::session_id const& id) override;

  /// The spool's absolute path, for spool_file_path.
  void set_spool_path(std::string path) { spool_path_ = std::move(path); }
  result<recovery_report> recover() override;

 private:
  /// O_PATH descriptor of the session's spool folder, or -1 with errno set.
  [[nodiscard]] unique_fd open_entry(std::string const& hex) const noexcept;

  /// Writes meta.json of the folder `entry` through meta.json.tmp and a rename; with
  /// `durable` the tmp file is synced before and the folder after the rename.
  [[nodiscard]] error_code write_metadata(int entry, stored_metadata const& meta,
                                          bool durable) const;

  /// Bytes known durable for `id`: remembered, else read from its meta.json, else 0.
  [[nodiscard]] std::uint64_t durable_of(core::session_id const& id, int entry);

  /// Renames the data file of `entry` to `place` (no replacing unless allowed).
  [[nodiscard]] error_code publish(int entry, destination_place const& place,
                                   bool allow_overwrite) const;

  /// Removes the spool entry `name` (a session folder or a stray file). ENOENT is fine.
  [[nodiscard]] error_code remove_entry(std::string const& name) const;

  /// Loads one spool entry into `report` (sessions or discarded).
  void recover_entry(std::string const& name, recovery_report& report);

  /// Corrects `meta` of a receiving session to what its data file really holds.
  /// Returns an empty string, or why the entry must be discarded.
  [[nodiscard]] std::string recover_received(int entry, stored_metadata& meta) const;

  void remember_durable(core::session_id const& id, std::uint64_t durable);
  void forget_durable(core::session_id const& id);

  unique_fd root_;
  unique_fd spool_;
  confinement conf_;
  std::string boot_id_;
  std::string spool_path_;
  std::mutex mutex_;  ///< guards durable_ (calls for different sessions run concurrently)
  std::unordered_map<core::session_id, std::uint64_t, core::session_id_hash> durable_;
};

/// The kernel's boot id from /proc/sys/kernel/random/boot_id, or "" when unreadable
/// or not in the expected form ("" makes recovery assume a reboot).
[[nodiscard]] std::string read_boot_id();

}  // namespace bits::storage::detail
