// Group commit of folder syncs: concurrent commits into one folder share its fsync.
// Internal to src/storage (fs_store owns one).
#pragma once

#include "storage/dir_fd.hpp"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

namespace bits::storage::detail {

/// fsync of folders, batched per folder. A caller returns after an fsync of its folder
/// that began after it called, so every change it made to the folder before the call
/// is durable; callers that arrive while an fsync of the folder runs are all served by
/// the next one (one fsync per folder per batch instead of one per caller).
/// Thread-safe; callers block.
class dir_syncer {
 public:
  /// fsyncs the folder `dir` (any descriptor of it, O_PATH included), or waits for
  /// one that covers this call. Errors: storage_failure (the batch's, shared by every
  /// caller it served).
  [[nodiscard]] status sync(int dir);

 private:
  struct folder {
    std::uint64_t asked = 0;  ///< tickets handed out
    std::uint64_t done = 0;   ///< tickets covered by a finished fsync
    bool running = false;     ///< an fsync of this folder is under way
    unsigned users = 0;       ///< callers inside sync() for this folder
    status result;            ///< of the last finished fsync
    std::condition_variable cv;
  };
  using key = std::pair<dev_t, ino_t>;

  std::mutex mu_;
  std::map<key, folder> folders_;  ///< folders with callers; erased when the last leaves
};

}  // namespace bits::storage::detail
