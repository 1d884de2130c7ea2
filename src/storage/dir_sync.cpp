// One fsync per folder per batch: the first caller syncs, those arriving meanwhile wait
// and are served together by the next fsync.
#include "storage/dir_sync.hpp"

#include <sys/stat.h>
#include <cerrno>

namespace bits::storage::detail {

status dir_syncer::sync(int dir) {
  struct stat st {};
  if (::fstat(dir, &st) != 0) return io_failure("fstat folder", errno);
  std::unique_lock lock(mu_);
  auto& f = folders_[key{st.st_dev, st.st_ino}];
  ++f.users;
  std::uint64_t const ticket = ++f.asked;
  status out;
  for (;;) {
    if (f.done >= ticket) {
      out = f.result;
      break;
    }
    if (f.running) {
      f.cv.wait(lock);
      continue;
    }
    // Every ticket handed out so far is covered: their changes precede this fsync.
    f.running = true;
    std::uint64_t const upto = f.asked;
    lock.unlock();
    status ec = sync_dir(dir, ".");
    lock.lock();
    f.running = false;
    f.done = upto;
    f.result = ec;
    f.cv.notify_all();
  }
  if (--f.users == 0) folders_.erase(key{st.st_dev, st.st_ino});
  return out;
}

}  // namespace bits::storage::detail
