// Drives one load run: starts the event loops and their clients, samples the watched
// process at the edges of the measured phase, and returns the report.
#pragma once

#include "loadgen/options.hpp"

#include <nlohmann/json.hpp>

namespace bits::bench {

/// Runs the load described by `opt` to its end (files done, duration over, or a hard
/// time limit) and returns the JSON report (see bench/README.md for its fields).
/// Blocks; uses opt.threads threads plus the caller's.
[[nodiscard]] nlohmann::json run_load(options const& opt);

}  // namespace bits::bench
