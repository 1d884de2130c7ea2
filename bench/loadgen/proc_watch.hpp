// CPU time and memory of another process (the server under test) from /proc, sampled at
// the edges of a measurement so that only the measured phase is counted.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bits::bench {

/// CPU seconds of one thread.
struct thread_cpu {
  int tid = 0;
  std::string name;
  double cpu_s = 0;
};

/// One reading of /proc/<pid>/{stat,status,task}. `ok` is false when the process is
/// gone or unreadable (every other field is then zero).
struct proc_snapshot {
  bool ok = false;
  double cpu_s = 0;                 ///< utime + stime of the whole process
  std::uint64_t rss_kb = 0;         ///< VmRSS
  std::uint64_t hwm_kb = 0;         ///< VmHWM (peak RSS)
  std::uint64_t tcp_mem_pages = 0;  ///< whole machine: kernel TCP buffer pages (sockstat)
  std::vector<thread_cpu> threads;
};

/// Reads the process `pid` now. pid 0 gives an empty snapshot.
[[nodiscard]] proc_snapshot read_proc(int pid);

/// CPU seconds used by this process (user + system) so far.
[[nodiscard]] double own_cpu_seconds();

/// What happened between `a` and `b`: {"cpu_s", "rss_start_kb", "rss_end_kb",
/// "hwm_kb", "tcp_mem_start_kb", "tcp_mem_end_kb", "threads": [{"tid", "name", "cpu_s"}]}
/// (only threads that used CPU in between are listed).
[[nodiscard]] nlohmann::json proc_delta(proc_snapshot const& a, proc_snapshot const& b);

}  // namespace bits::bench
