// Parsing and formatting of durations, sizes, rates.
#include "client/units.hpp"

#include "core/message.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace bits::client {
namespace {

// Splits "12.5MiB" into 12.5 and "MiB"; empty when there is no leading number.
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text) {
  double value = 0;
  auto const* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
  if (ec != std::errc{} || ptr == text.data() || value < 0 || !std::isfinite(value)) {
    return std::nullopt;
  }
  return std::pair{value, std::string_view(ptr, static_cast<std::size_t>(end - ptr))};
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  auto const [value, unit] = *split;
  double factor = 0;
  if (unit.empty() || unit == "s") {
    factor = 1000;
  } else if (unit == "ms") {
    factor = 1;
  } else if (unit == "m" || unit == "min") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else if (unit == "d") {
    factor = 86'400'000;
  } else {
    return std::nullopt;
  }
  double const ms = value * factor;
  if (ms > 1e15) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  auto split = split_number(text);
  if (!split) return std::nullopt;
  auto const [value, unit] = *split;
  double factor = 0;
  if (unit.empty() || core::iequals(unit, "b")) {
    factor = 1;
  } else if (core::iequals(unit, "k") || core::iequals(unit, "kib") || core::iequals(unit, "kb")) {
    factor = 1024.0;
  } else if (core::iequals(unit, "m") || core::iequals(unit, "mib") || core::iequals(unit, "mb")) {
    factor = 1024.0 * 1024;
  } else if (core::iequals(unit, "g") || core::iequals(unit, "gib") || core::iequals(unit, "gb")) {
    factor = 1024.0 * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  double const bytes = value * factor;
  if (bytes > 1.8e19 || bytes != std::floor(bytes)) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr char const* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes) / 1024;
  std::size_t i = 0;
  while (v >= 1024 && i + 1 < std::size(units)) {
    v /= 1024;
    ++i;
  }
  int const decimals = v < 10 ? 2 : (v < 100 ? 1 : 0);
  return fixed(v, decimals) + " " + units[i];
}

std::string format_rate(double bytes_per_second) {
  if (!(bytes_per_second >= 0) || !std::isfinite(bytes_per_second)) return "-- B/s";
  return format_bytes(static_cast<std::uint64_t>(bytes_per_second)) + "/s";
}

std::string format_eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds) || seconds > 360'000'000) return "--";
  auto const s = static_cast<std::uint64_t>(std::llround(seconds));
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  }
  return buf;
}

std::string format_duration(std::chrono::milliseconds d) {
  auto const ms = d.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms % 1000 != 0 && ms < 60'000) return fixed(static_cast<double>(ms) / 1000, 1) + "s";
  return format_eta(static_cast<double>(ms) / 1000);
}

}  // namespace bits::client
