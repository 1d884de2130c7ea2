// Runs a program to completion under a time limit: input written to its standard
// input, standard output and error collected up to a bound. What executable hooks are
// made of. No shell is involved: argv[0] is the program's path, the rest its arguments.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bits::hooks {

struct process_limits {
  /// Time from the start until the program is killed (with its whole process group).
  std::chrono::milliseconds timeout{10000};
  /// Bytes of standard output kept; more is read and dropped.
  std::size_t max_stdout = 64 * 1024;
  /// Bytes of standard error kept (the first ones); more is read and dropped.
  std::size_t max_stderr = 4 * 1024;
};

struct process_result {
  enum class ending {
    exited,       ///< `code` is the exit status
    signalled,    ///< `code` is the signal that ended it (not ours)
    timed_out,    ///< ran past the limit; its process group was killed with SIGKILL
    not_started,  ///< `code` is the errno of the failed start (ENOENT, EACCES, ...)
  };
  ending how = ending::not_started;
  int code = 0;
  std::string out;  ///< standard output (bounded)
  std::string err;  ///< standard error (bounded)
};

/// Starts `argv[0]` (a path; no PATH search) with `argv` and the server's environment
/// plus `extra_env` ("NAME=value", replacing variables of the same name), in a new
/// process group, with no descriptor of the server's open in it but 0, 1 and 2 and
/// with default signal dispositions. Writes `input` to its standard input, then closes
/// it (a program that exits without reading it is fine). Returns once the program has
/// exited and both output pipes are closed, or soon after it exited when something it
/// left running keeps them open (that is not waited for, nor killed); at the time limit
/// kills the process group. Blocking; thread-safe; the calling thread's signal mask is
/// left as it was.
[[nodiscard]] process_result run_process(std::vector<std::string> const& argv,
                                         std::vector<std::string> const& extra_env,
                                         std::string_view input, process_limits const& limits);

/// "exit 3", "signal 11", "timed out after 5000 ms", "cannot start: No such file or
/// directory", followed by ": " and the first line of standard error when there is one.
[[nodiscard]] std::string describe(process_result const& r, process_limits const& limits);

}  // namespace bits::hooks
