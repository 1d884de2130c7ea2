// Human-facing numbers: durations and sizes on the command line, bytes, rates and ETAs
// in progress output.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::client {

/// "500ms", "90s", "5m", "2h", "1d", or a bare number of seconds ("30", "0.5").
/// Empty on anything else or on overflow.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// Bytes: a number with an optional binary suffix K, M, G (also KiB, MiB, GiB; any case):
/// "5120", "64K", "13MiB", "1G". Empty on anything else or on overflow.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text);

/// "999 B", "1.5 KiB", "12.0 MiB", "1.00 GiB" (three significant digits from KiB on).
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);

/// format_bytes of a rate, plus "/s".
[[nodiscard]] std::string format_rate(double bytes_per_second);

/// "7s", "2m05s", "1h02m" ; "--" when unknown (negative).
[[nodiscard]] std::string format_eta(double seconds);

/// "1m30s", "250ms": the inverse of parse_duration, for messages.
[[nodiscard]] std::string format_duration(std::chrono::milliseconds d);

}  // namespace bits::client
