// Start-up recovery of the spool (upload_store::recover) and the boot id it relies on
// to tell a process crash from a reboot (reference 5.5: after a crash the offset a
// session reports is never larger than the bytes actually held).
#include "storage/fs_store.hpp"

#include "core/number_text.hpp"
#include "core/session_id.hpp"
#include "storage/data_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

#include <algorithm>
#include <system_error>

namespace bits::storage::detail {
namespace {

std::string errno_text(int err) {
  return std::generic_category().message(err);
}

bool is_boot_id_char(char c) noexcept {
  return core::is_hex_digit(c) || c == '-';
}

}  // namespace

std::string read_boot_id() {
  std::string text;
  if (read_small_file(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 256, text)) return {};
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_boot_id_char)) return {};
  return text;
}

status_or<recovery_report> fs_store::recover() {
  recovery_report report;
  if (auto ec = tombstones_.load(report.tombstones)) return ec;
  std::vector<std::string> names;
  if (auto ec = list_names(spool_.get(), names)) return ec;
  std::erase(names, std::string{tombstone_dir_name});
  std::erase(names, std::string{spool_hooks_dir});
  // The spool's entries are few, the tombstones may be millions: look these up in those.
  ended_set entries;
  for (auto const& name : names) {
    if (auto const id = core::parse_session_hex(name)) entries.insert(*id);
  }
  ended_set ended;
  for (auto const& t : report.tombstones) {
    if (entries.contains(t.id)) ended.insert(t.id);
  }
  {
    std::lock_guard const lock{mutex_};
    states_.clear();
  }
  // Folder names are upper-case hex of the id, so this also orders sessions by id.
  std::sort(names.begin(), names.end());
  for (auto const& name : names) recover_entry(name, ended, report);
  return report;
}

void fs_store::recover_entry(std::string const& name, ended_set const& ended,
                             recovery_report& report) {
  auto const drop = [&](std::string const& reason) {
    std::string line = name + ": " + reason;
    if (auto const removed = remove_entry(name)) {
      line += "; could not remove it (" + removed.why().text() + ")";
    } else {
      line += "; removed";
    }
    report.discarded.push_back(std::move(line));
  };
  auto const id = core::parse_session_hex(name);
  if (!id || id->to_hex() != name) return drop("not a session folder");
  // Close or Cancel had recorded its tombstone when the process stopped, before it
  // could remove the entry: finish that removal. (A data file linked at its
  // destination stays there: only the spool's name goes.)
  if (ended.contains(*id)) return drop("session had ended (tombstone found)");
  unique_fd const entry = open_entry(name);
  if (!entry) {
    int const err = errno;
    if (err == ENOTDIR || err == ELOOP) return drop("not a folder");
    return drop("cannot open (" + errno_text(err) + ")");
  }
  auto current = read_metadata(entry.get());
  if (!current) {
    auto const failure = current.error();  // result::error() returns a copy
    if (failure.why().detail.value() == EINVAL) return drop("metadata invalid");
    return drop("metadata unreadable (" + failure.why().detail.message() + ")");
  }
  auto& meta = current->meta;
  if (meta.record.id != *id) return drop("metadata names another session");
  if (meta.record.state == session_state::receiving) {
    if (auto why = recover_received(entry.get(), name, meta); !why.empty()) return drop(why);
  } else {
    // Complete: a data file with a second name is the published file, whose spool name
    // commit() had not removed yet. A data file with one name is an upload-reply
    // request kept for the application.
    struct stat st {};
    if (::fstatat(entry.get(), data_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        st.st_nlink > 1) {
      static_cast<void>(::unlinkat(entry.get(), data_name, 0));
    }
  }
  remember(meta.record.id, meta_state{meta.durable, current->seq, false});
  report.sessions.push_back(std::move(meta.record));
}

std::string fs_store::recover_received(int entry, std::string const& hex,
                                       stored_metadata& meta) const {
  unique_fd const data{::openat(entry, data_name, O_RDWR | O_NOFOLLOW | O_CLOEXEC)};
  if (!data) {
    int const err = errno;
    return err == ENOENT ? "data file missing" : "cannot open data file (" + errno_text(err) + ")";
  }
  struct stat st {};
  if (::fstat(data.get(), &st) != 0) return "cannot stat data file (" + errno_text(errno) + ")";
  auto const size = static_cast<std::uint64_t>(st.st_size);
  auto& record = meta.record;
  if (st.st_nlink > 1) {
    // commit() had linked the file after syncing all of it: every byte is there,
    // whatever the boot, and the file may be the published one, so it is never cut.
    // A temporary link not yet renamed onto the destination is removed; the resent
    // last fragment then commits again, which finishes that commit.
    remove_commit_link(hex, record.destination, file_identity{st.st_dev, st.st_ino});
    record.received = size;
    meta.durable = size;
    return {};
  }
  // Same boot: only the process died and the page cache kept every byte written; each
  // byte in the file came from the client at its own offset (writes only ever extend
  // the file from the held prefix), so all of them count. Another boot (or an unknown
  // boot id): bytes past the last durable save may be missing or garbage.
  bool const same_boot = !boot_id_.empty() && meta.boot_id == boot_id_;
  std::uint64_t keep = same_boot ? size : std::min(meta.durable, size);
  if (record.total) keep = std::min(keep, *record.total);
  // Cut the file so that later writes extend exactly the held prefix, and so that the
  // same-boot rule above stays true after this start-up.
  if (keep < size && ::ftruncate(data.get(), static_cast<off_t>(keep)) != 0) {
    return "cannot truncate data file (" + errno_text(errno) + ")";
  }
  record.received = keep;
  meta.durable = std::min(meta.durable, keep);
  return {};
}

void fs_store::remove_commit_link(std::string const& hex, std::string_view destination,
                                  file_identity data) const {
  // Best effort: a folder that is gone or refused has no link of ours to remove.
  auto place = walk(conf_, destination, missing_folder::stop);
  if (!place || !*place) return;
  std::string const temp = std::string(commit_link_prefix) + hex;
  int const parent = (*place)->parent.get();
  struct stat st {};
  if (::fstatat(parent, temp.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      file_identity{st.st_dev, st.st_ino} == data) {
    static_cast<void>(::unlinkat(parent, temp.c_str(), 0));
  }
}

}  // namespace bits::storage::detail
