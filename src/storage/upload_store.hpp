// The only way the service layer touches disk: the spool of open sessions and the
// commit of finished uploads into a virtual directory's root.
#pragma once

#include "core/error.hpp"
#include "core/session_id.hpp"
#include "core/status.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::storage {

/// Where a session is in its life, as far as the disk is concerned (reference 6.1).
enum class session_state : std::uint8_t {
  receiving,  ///< bytes arriving; data file in the spool
  complete,   ///< all bytes received and committed; only metadata left in the spool
};

/// Everything about a session that survives a restart.
struct session_record {
  core::session_id id;
  std::string destination;             ///< relative to the root, '/'-joined, validated
  std::string principal;               ///< who created it; empty = anonymous
  std::optional<std::uint64_t> total;  ///< fixed by the first accepted fragment
  std::uint64_t received = 0;          ///< bytes [0, received) held (N)
  session_state state = session_state::receiving;
  std::int64_t created = 0;        ///< unix seconds
  std::int64_t last_activity = 0;  ///< unix seconds; drives the inactivity timeout
  std::string reply_token;         ///< upload-reply: names the reply URL; empty until notified
  std::string reply_url;           ///< upload-reply: the application's static reply URL, if any
  /// SHA-256 of the bytes received so far, as hooks::sha256_stream::save() wrote it (it
  /// may cover fewer bytes than `received`); "" = not computed.
  std::string sha256_state;
  std::string client_address;  ///< address of the client that created it; "" = unknown
};

/// The files of a session that a server application sees (upload-reply, reference 7).
enum class spool_file {
  request,  ///< the uploaded bytes
  reply,    ///< the application's reply
};

/// The data file of one open session, held for the length of one Fragment.
class data_writer {
 public:
  virtual ~data_writer() = default;

  /// Writes all of `bytes` at `offset` (short writes are retried here).
  /// Errors: error::disk_full (ENOSPC, EDQUOT), error::storage_failure.
  [[nodiscard]] virtual status write_at(std::uint64_t offset, std::span<std::byte const> bytes) = 0;

  /// fdatasync: every byte written so far survives power loss.
  [[nodiscard]] virtual status sync() = 0;

  /// Whether the bytes written stay in the session's spool entry when this writer is
  /// dropped before a commit (false for a writer of upload_store::open_whole that
  /// writes to an unnamed file: its bytes go with it).
  [[nodiscard]] virtual bool spooled() const noexcept { return true; }
};

/// Bytes of a published file or reply that are not in a local file (an object store).
class byte_source {
 public:
  virtual ~byte_source() = default;

  /// Reads up to `into.size()` bytes at `offset` into `into`; returns how many (0 at the
  /// end). Blocks on the network. Errors: storage_failure, or the store's own error
  /// (e.g. the object was replaced since it was opened).
  [[nodiscard]] virtual status_or<std::size_t> read_at(std::uint64_t offset,
                                                       std::span<std::byte> into) = 0;
};

/// A published file opened for reading: a local descriptor (fd() >= 0, which it owns),
/// or a byte_source (fd() == -1). read_at() reads either.
class readable_file {
 public:
  readable_file() = default;
  readable_file(int fd, std::uint64_t size, std::int64_t mtime_ns, std::uint64_t inode) noexcept
      : fd_(fd), size_(size), mtime_ns_(mtime_ns), inode_(inode) {}
  /// A file read through `source`; `inode` is any number that changes when the content
  /// does (it goes into the ETag).
  readable_file(std::unique_ptr<byte_source> source, std::uint64_t size, std::int64_t mtime_ns,
                std::uint64_t inode) noexcept
      : source_(std::move(source)), size_(size), mtime_ns_(mtime_ns), inode_(inode) {}
  readable_file(readable_file&& o) noexcept
      : fd_(std::exchange(o.fd_, -1)),
        source_(std::move(o.source_)),
        size_(o.size_),
        mtime_ns_(o.mtime_ns_),
        inode_(o.inode_) {}
  readable_file& operator=(readable_file&& o) noexcept {
    std::swap(fd_, o.fd_);
    std::swap(source_, o.source_);
    size_ = o.size_;
    mtime_ns_ = o.mtime_ns_;
    inode_ = o.inode_;
    return *this;
  }
  readable_file(readable_file const&) = delete;
  readable_file& operator=(readable_file const&) = delete;
  ~readable_file();

  /// The descriptor, or -1 when the bytes come from a byte_source.
  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  [[nodiscard]] std::int64_t mtime_ns() const noexcept { return mtime_ns_; }
  [[nodiscard]] std::uint64_t inode() const noexcept { return inode_; }

  /// Up to `into.size()` bytes at `offset` (pread, or the source); 0 at the end.
  /// Errors: storage_failure, or the source's.
  [[nodiscard]] status_or<std::size_t> read_at(std::uint64_t offset,
                                               std::span<std::byte> into) const;

 private:
  int fd_ = -1;
  std::unique_ptr<byte_source> source_;
  std::uint64_t size_ = 0;
  std::int64_t mtime_ns_ = 0;
  std::uint64_t inode_ = 0;
};

/// How a session ended, remembered for a while so that a replayed Close or Cancel (its
/// Ack lost) is answered 200 (reference 6.4). `committed`: published by commit_whole(),
/// Close not seen yet (a resent last fragment is answered as received in full).
enum class tombstone : std::uint8_t { closed, cancelled, committed };

/// One ended session, as the tombstone journal keeps it.
struct tombstone_record {
  core::session_id id;
  tombstone how = tombstone::closed;
  std::int64_t at = 0;  ///< unix seconds when it ended
};

/// What recover() found in the spool.
struct recovery_report {
  std::vector<session_record> sessions;  ///< loaded, `received` corrected (see recover)
  std::vector<std::string> discarded;    ///< one line per spool entry that was removed, and why
  /// Every tombstone still on disk, in the order recorded. Some may have ended longer
  /// ago than the caller's ttl (they are deleted in whole files): the caller drops them.
  std::vector<tombstone_record> tombstones;
};

/// Durable storage of one virtual directory: its root and its spool.
///
/// Threading: calls for different sessions may run concurrently; calls for one session
/// are serialised by the caller (the service holds the session's lease).
/// Blocking: every call may block on disk I/O.
/// Errors: the bits::error the client is answered with; disk_full and storage_failure
/// carry their cause (status::why: the operation and errno, or a library's error),
/// which the service passes on to the request log.
class upload_store {
 public:
  virtual ~upload_store() = default;

  /// Checks that `destination` (relative, validated segments) can receive an upload
  /// now: every folder on the way exists and is a real directory inside the root (no
  /// symlink is followed), the name is not a directory, and, unless `allow_overwrite`,
  /// nothing exists there. A store that creates folders (fs_store_options) accepts
  /// missing folders, but still refuses a file or symlink where a folder should be.
  /// Nothing is created here. Errors: parent_not_found, forbidden_path,
  /// destination_is_directory, destination_exists, storage_failure.
  [[nodiscard]] virtual status check_destination(std::string_view destination,
                                                 bool allow_overwrite) = 0;

  /// Creates the spool entry of a new session: its folder, an empty data file and its
  /// metadata. Errors: disk_full, storage_failure.
  [[nodiscard]] virtual status create(session_record const& record) = 0;

  /// Opens the session's data file for writing. Errors: session_not_found (no spool
  /// entry), storage_failure.
  [[nodiscard]] virtual status_or<std::unique_ptr<data_writer>> open_data(
      core::session_id const& id) = 0;

  /// Rewrites the session's metadata atomically. With `durable`, the data file was
  /// synced up to record.received and the metadata is synced too, so that offset
  /// survives power loss. Errors: disk_full, storage_failure.
  [[nodiscard]] virtual status save(session_record const& record, bool durable) = 0;

  /// Whether sync_spool() makes every session's bytes and saves durable in one call (the
  /// periodic sync then covers all due sessions with two calls). Default: no.
  [[nodiscard]] virtual bool syncs_spool_at_once() const noexcept { return false; }

  /// Makes durable everything written to the spool so far: every data file, every
  /// metadata save, every name. The filesystem store calls syncfs(2), which also
  /// flushes every other file of the spool's filesystem. Errors: storage_failure.
  /// Default: nothing to do.
  [[nodiscard]] virtual status sync_spool() { return {}; }

  /// Saves the metadata of a session whose data a finished sync_spool() made durable up
  /// to record.received, claiming that offset, without a sync of its own: the next
  /// sync_spool() makes the save durable; until then the previous version is the one
  /// that survives power loss. Errors: as save(). Default: save(record, true).
  [[nodiscard]] virtual status save_after_spool_sync(session_record const& record) {
    return save(record, true);
  }

  /// Makes the session's data durable and publishes it at its destination atomically
  /// (refusing to replace an existing file unless `allow_overwrite`), durably. The
  /// folders on the way are walked again without following symlinks (and created when
  /// the store creates folders). Afterwards only the metadata is left in the spool: it
  /// is saved durably with state complete, whatever `record.state` says. A commit cut
  /// short by a crash is finished by calling commit() again after recover(): a
  /// destination that already is this session's data does not count as existing.
  /// Errors: parent_not_found, forbidden_path, destination_is_directory,
  /// destination_exists, disk_full, storage_failure.
  [[nodiscard]] virtual status commit(session_record const& record, bool allow_overwrite) = 0;

  /// Whether create() may wait for the session's first bytes: the service then keeps a
  /// new session in memory only until its first Fragment (a restart loses it, and its
  /// client starts over, as the protocol allows). A store shared by several nodes says
  /// no (another node could not load the session). Default: no.
  [[nodiscard]] virtual bool deferred_create() const noexcept { return false; }

  /// A session whose first Fragment carries the whole file: a writer for all of its
  /// bytes, placed so that commit_whole() publishes them with as little disk work as
  /// possible. The filesystem store writes an unnamed file (O_TMPFILE) in the
  /// destination folder and keeps no spool entry; where it cannot, and by default, the
  /// spool entry is created (create()) and its data file opened (then
  /// writer.spooled()). Errors: as create() and open_data().
  [[nodiscard]] virtual status_or<std::unique_ptr<data_writer>> open_whole(
      session_record const& record);

  /// Publishes the bytes of `writer` (from open_whole, record.received of them) at
  /// record.destination, with the guarantees and errors of commit(). Without a spool
  /// entry it records a `committed` tombstone for the session before returning (not
  /// synced, as add_tombstone without `durable`), so that after a process crash a
  /// resent last fragment and the Close are still answered. The store makes the file
  /// and its name durable before it returns, sharing the syncs with concurrent commits
  /// to the same folder. Default: commit(record, allow_overwrite).
  [[nodiscard]] virtual status commit_whole(session_record const& record, data_writer& writer,
                                            bool allow_overwrite);

  /// Removes everything of the session from the spool. Idempotent.
  [[nodiscard]] virtual status discard(core::session_id const& id) = 0;

  /// A session this node does not hold, loaded from the store on demand: a store shared
  /// by several nodes (any node continues any session) has sessions that recover() did
  /// not return. `received` is the durable offset, which may be less than another node
  /// reported to the client (the client then resends the rest). Afterwards the session
  /// is used like one returned by create() or recover(). Errors: session_not_found (the
  /// default: every session of a local store is returned by recover()), storage_failure.
  [[nodiscard]] virtual status_or<session_record> load(core::session_id const& id);

  /// A store shared by several nodes: the session's durable offset when it is above
  /// `held` (other nodes received more since this node last had a packet of it), from
  /// which this node then continues; otherwise `held`. Called when a Fragment starts
  /// beyond what this node holds. Errors: session_not_found, storage_failure. The
  /// default (a local store) returns `held`.
  [[nodiscard]] virtual status_or<std::uint64_t> catch_up(core::session_id const& id,
                                                          std::uint64_t held);

  /// How a session this node never held ended, when the store keeps tombstones that
  /// several nodes share (a replayed Close reaching another node of a farm). Nothing
  /// when the store does not know the session (the default: a local store's tombstones
  /// are all returned by recover()) or cannot be asked right now.
  [[nodiscard]] virtual std::optional<tombstone_record> find_tombstone(core::session_id const& id);

  /// Checks that the store can be used now: for an object store, that the bucket is
  /// reachable and writable with the node's credentials (one small object written and
  /// removed). Errors: storage_failure with the cause. The default (a local store,
  /// checked when opened) succeeds.
  [[nodiscard]] virtual status probe();

  /// Records that a session ended. Called before its spool entry is discarded and
  /// before the Close or Cancel is answered, so the tombstone outlives a crash of the
  /// process: recover() returns it, and removes a spool entry it names. With `durable`
  /// it also survives power loss when this returns; otherwise after the next
  /// maintain_tombstones(). Cheap: no new file and no sync per call without `durable`.
  /// Errors: disk_full, storage_failure.
  [[nodiscard]] virtual status add_tombstone(tombstone_record const& t, bool durable) = 0;

  /// Periodic upkeep of the tombstones on disk, about once a second: makes those added
  /// so far survive power loss, and deletes those that ended before `oldest` (unix
  /// seconds), possibly some time after (see recovery_report::tombstones). `now` is the
  /// current time. Errors: disk_full, storage_failure (the next call tries again).
  [[nodiscard]] virtual status maintain_tombstones(std::int64_t now, std::int64_t oldest) = 0;

  /// Opens the published file at `destination` for reading (downloads), walking the
  /// folders without following symlinks; the file itself must be a regular file (not a
  /// symlink). Errors: parent_not_found or invalid_path when it does not exist (the
  /// caller answers 404 either way), destination_is_directory, forbidden_path,
  /// storage_failure.
  [[nodiscard]] virtual status_or<readable_file> open_published(std::string_view destination) = 0;

  /// Bytes available to unprivileged writers on the spool's filesystem (statvfs), so
  /// uploads can be refused before the disk fills. Errors: storage_failure.
  [[nodiscard]] virtual status_or<std::uint64_t> free_bytes() const = 0;

  /// Absolute path of a session's request or reply file, for the server application
  /// (by reference) and the notification client (by value). Pure: nothing is checked.
  [[nodiscard]] virtual std::string spool_file_path(core::session_id const& id,
                                                    spool_file which) const = 0;

  /// Upload-reply: makes spool_file_path(request) hold the session's complete upload
  /// (record.received bytes) for the server application, before it is called. An
  /// object store first completes the upload into the session's own object (so any
  /// node can hand it over again) and copies that to the node-local file. The default
  /// (the request file is the spool's data file) does nothing. Errors: session_not_found,
  /// disk_full, storage_failure.
  [[nodiscard]] virtual status prepare_request(session_record const& record);

  /// Upload-reply, after the application answered and before the Ack: makes the reply
  /// it wrote to spool_file_path(reply) (none: an empty reply) what open_reply() reads
  /// on every node sharing the store, and record.reply_token what find_reply() resolves
  /// there. The default (a local store reads the file where it is) does nothing.
  /// Errors: storage_failure.
  [[nodiscard]] virtual status keep_reply(session_record const& record);

  /// The session whose reply URL carries `token`, for a node that does not hold it (a
  /// store shared by several nodes). Errors: session_not_found (unknown; the default:
  /// a local store's sessions are all held), storage_failure.
  [[nodiscard]] virtual status_or<core::session_id> find_reply(std::string_view token);

  /// Removes the session's reply file, if any (before a new notification).
  [[nodiscard]] virtual status reset_reply(core::session_id const& id) = 0;

  /// Opens the session's reply for a download, creating it empty when the application
  /// wrote none (an empty reply is a 0-byte file, reference 7.5). It must be a regular
  /// file. Errors: session_not_found (no spool entry), forbidden_path, storage_failure.
  [[nodiscard]] virtual status_or<readable_file> open_reply(core::session_id const& id) = 0;

  /// Loads every session in the spool and every tombstone (at start-up). For a
  /// receiving session `received` is set to what is really held: after a process crash
  /// on the same boot, the data file's size (every byte in it came from the client at
  /// its offset); after a reboot, at most the last durably saved offset, and the data
  /// file is cut to it; but a data file that commit() had already synced and started to
  /// publish is held whole and never cut (it may be the published file itself), so
  /// that the resent last fragment commits it again. Entries without readable metadata,
  /// and entries of sessions that have a tombstone (they ended; the crash came before
  /// their removal), are removed and listed in `discarded`.
  [[nodiscard]] virtual status_or<recovery_report> recover() = 0;
};

/// The folder of a spool that holds the hooks' outbox (src/hooks/outbox.hpp): not a
/// session; recover() leaves it alone.
inline constexpr char const* spool_hooks_dir = "hooks";

/// True for a storage_failure caused by an object store that could not be reached,
/// throttled the call or failed on its side: trying again in a moment may succeed, so
/// the client is told to retry (503 with Retry-After) rather than that the server failed.
[[nodiscard]] bool store_unavailable(status const& failure) noexcept;

/// How the filesystem store treats the folders of a destination.
struct fs_store_options {
  /// Missing folders on the way to a destination are created at commit (inside the
  /// root, never through a symlink, synced before commit returns). Off: they must exist.
  bool create_dirs = false;
  unsigned dir_mode = 0750;  ///< permission bits of created folders (the umask does not apply)
};

/// The filesystem store: the root and the spool are directories on the same
/// filesystem (so commit is one link or rename). The spool is created (mode 0700) if
/// missing. Errors: storage_failure when the root is not a directory, the spool cannot
/// be created, the spool is the root itself, or the two are on different filesystems
/// (the cause says which, naming the folder).
[[nodiscard]] status_or<std::unique_ptr<upload_store>> open_fs_store(std::string const& root,
                                                                     std::string const& spool,
                                                                     fs_store_options options);

}  // namespace bits::storage
