// Request targets to safe relative paths: percent-decoding and the rules that keep
// every remote name inside its virtual directory's root (reference 12, "Paths").
// Pure string work; the storage layer adds openat/O_NOFOLLOW confinement on top.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bits::core {

/// Names starting with this prefix are the server's own (spool, reply URLs); no URL may
/// name them as a file or folder, so they can never be served or be upload targets.
inline constexpr std::string_view reserved_name_prefix = ".bits-";

/// Longest single path segment (bytes, after decoding); NAME_MAX on Linux.
inline constexpr std::size_t max_segment_bytes = 255;
/// Longest decoded path accepted (bytes).
inline constexpr std::size_t max_path_bytes = 1024;

/// The path of an origin-form request target ("/up/a%20b.bin?x=1" -> "/up/a b.bin"):
/// query and fragment removed, percent-escapes decoded. Refused (error::invalid_path):
/// not starting with '/', bad escapes (%G1, %4), an encoded '/', '\' or NUL (%2F, %5C,
/// %00), a literal '\', NUL or other control byte (< 0x20, 0x7F), longer than
/// max_path_bytes.
[[nodiscard]] result<std::string> decode_target_path(std::string_view target);

/// True when decoded `path` lies under the virtual directory `prefix` ("/up/" or "/up"
/// matches "/up/x" and "/up", not "/upload"; "/" matches everything).
[[nodiscard]] bool path_under_prefix(std::string_view path, std::string_view prefix) noexcept;

/// Segments of decoded `path` below `prefix` (which it must lie under). Every segment
/// must be non-empty (no "//", no trailing '/'), not "." or "..", not start with
/// reserved_name_prefix, and be at most max_segment_bytes. An empty result (the path
/// is the prefix itself) is valid: it names the root. Error: error::invalid_path.
[[nodiscard]] result<std::vector<std::string>> split_below(std::string_view path,
                                                           std::string_view prefix);

/// Joins segments with '/' (the form stored in session metadata).
[[nodiscard]] std::string join_segments(std::vector<std::string> const& segments);

}  // namespace bits::core
