// An upload_store that keeps everything in memory: folders and published files of the
// virtual directory's root, and the spool of open sessions. For service tests and the
// service fuzzer: deterministic, fast, inspectable, and able to fail on request.
#pragma once

#include "core/error.hpp"
#include "core/session_id.hpp"
#include "storage/upload_store.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::test {

/// The store calls that can be told to fail (memory_disk::fail_next).
enum class store_call : std::uint8_t {
  check_destination,
  create,
  open_data,
  save,
  commit,
  discard,
  write_at,  ///< data_writer::write_at
  sync,      ///< data_writer::sync
  reset_reply,
  open_reply,
  free_bytes,
};
inline constexpr std::size_t store_call_count = 11;

/// What a memory store holds, shared between stores so that a second store over the same
/// disk (a restart) finds what the first one left. Every member is guarded by `mu`; lock
/// it to inspect the disk while a store may be in use on another thread.
struct memory_disk {
  /// One session's spool entry.
  struct spool_entry {
    storage::session_record saved;                ///< what create/save/commit last wrote
    std::vector<std::byte> data;                  ///< the data file (gone once published)
    bool has_data = true;                         ///< false after commit moved the data out
    std::optional<std::vector<std::byte>> reply;  ///< the application's reply, if any
  };

  /// One successful commit, in order.
  struct published {
    std::string destination;
    core::session_id session;
    std::uint64_t size = 0;
  };

  mutable std::mutex mu;
  std::set<std::string> folders;                        ///< relative, '/'-joined; "" = root
  std::map<std::string, std::vector<std::byte>> files;  ///< published files by path
  std::map<core::session_id, spool_entry> spool;
  std::vector<storage::tombstone_record> tombstones;  ///< the journal, in the order added
  std::vector<published> commits;
  /// One-shot failures: the next call of that kind returns the failure (with the cause
  /// given, if any), then it is cleared.
  std::array<std::optional<status>, store_call_count> fail_next{};
  std::uint64_t next_inode = 1;
  std::uint64_t free_space = std::uint64_t{1} << 40;  ///< what free_bytes() reports

  memory_disk() { folders.insert(""); }

  /// Arms a one-shot failure (takes `mu`).
  void fail(store_call call, status failure);
};

/// upload_store over a memory_disk. Follows the filesystem store's contract call for call:
/// folders must exist, a folder is never replaced, commit publishes exactly `received`
/// bytes and refuses a data file shorter than that, discard is idempotent. recover()
/// returns the saved records, with a receiving session's data cut to its saved offset (as
/// after a reboot that kept only what was saved), and every tombstone; it removes the
/// spool entries of sessions that have one. Tombstones are exact: maintain_tombstones
/// drops each one as soon as it is older than `oldest`. Published files and replies are handed
/// out as memfd descriptors.
class memory_upload_store final : public storage::upload_store {
 public:
  /// A store over a fresh, empty disk.
  memory_upload_store();
  /// A store over `disk`, which may already hold folders, files and spool entries.
  explicit memory_upload_store(std::shared_ptr<memory_disk> disk);

  [[nodiscard]] std::shared_ptr<memory_disk> const& disk() const noexcept { return disk_; }

  [[nodiscard]] status check_destination(std::string_view destination,
                                         bool allow_overwrite) override;
  [[nodiscard]] status create(storage::session_record const& record) override;
  [[nodiscard]] status_or<std::unique_ptr<storage::data_writer>> open_data(
      core::session_id const& id) override;
  [[nodiscard]] status save(storage::session_record const& record, bool durable) override;
  [[nodiscard]] status commit(storage::session_record const& record, bool allow_overwrite) override;
  [[nodiscard]] status discard(core::session_id const& id) override;
  [[nodiscard]] status add_tombstone(storage::tombstone_record const& t, bool durable) override;
  [[nodiscard]] status maintain_tombstones(std::int64_t now, std::int64_t oldest) override;
  [[nodiscard]] status_or<storage::readable_file> open_published(
      std::string_view destination) override;
  [[nodiscard]] status_or<std::uint64_t> free_bytes() const override;
  [[nodiscard]] std::string spool_file_path(core::session_id const& id,
                                            storage::spool_file which) const override;
  [[nodiscard]] status reset_reply(core::session_id const& id) override;
  [[nodiscard]] status_or<storage::readable_file> open_reply(core::session_id const& id) override;
  [[nodiscard]] status_or<storage::recovery_report> recover() override;

 private:
  std::shared_ptr<memory_disk> disk_;
};

}  // namespace bits::test
