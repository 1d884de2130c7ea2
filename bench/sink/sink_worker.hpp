// One thread of openbits_sink: an epoll loop over the shared listening socket and the
// connections it accepted, copying PUT bodies into files and answering GETs by sendfile.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

namespace bits::bench {

class sync_pool;

/// What every worker shares. `listen_fd` is non-blocking; `source_fd` is -1 when no
/// --source file was given (GETs then close the connection).
struct sink_config {
  int listen_fd = -1;
  std::string dir;              ///< where PUT bodies are written, one file per new-file PUT
  int source_fd = -1;           ///< file served to GET requests
  std::size_t buffer = 0;       ///< bytes read from a socket per read(2)
  bool sync_allowed = true;     ///< false: sink_flag_sync is ignored (page-cache-only runs)
  sync_pool* syncer = nullptr;  ///< runs the fdatasyncs; the connection waits, the loop not
};

/// Runs one worker until `stop` becomes true (checked at least every 200 ms). `index`
/// names the files this worker creates, so workers never collide. Returns 0, or 1 when
/// epoll itself cannot be set up (the reason is printed on stderr).
int run_sink_worker(sink_config const& cfg, unsigned index, std::atomic<bool> const& stop);

}  // namespace bits::bench
