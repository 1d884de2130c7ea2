// Fault injection for crash tests: named points in the storage code where the process
// can be made to die as if killed with SIGKILL. Compiled in only when the build option
// BITS_FAULT_INJECTION is ON (the test build); otherwise every point is an empty
// inline function. Internal to src/storage.
#pragma once

namespace bits::storage::detail {

#if BITS_FAULT_INJECTION
/// When the environment variable OPENBITSD_CRASH_AT (read once, at the first call)
/// equals `name`, writes one line to stderr and kills the process with SIGKILL: no
/// destructor runs and nothing is flushed, exactly as with `kill -9`. `name` must be
/// static text such as "commit.after_link".
void crash_point(char const* name) noexcept;
#else
inline void crash_point(char const* /*name*/) noexcept {}
#endif

}  // namespace bits::storage::detail
