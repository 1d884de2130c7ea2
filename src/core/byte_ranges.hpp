// The Range request header of downloads (RFC 7233; reference 10): pure parsing and
// the validators BITS download jobs rely on (strong ETag, Last-Modified).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::core {

/// Bytes [first, first + length) of a representation.
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
  friend bool operator==(byte_range const&, byte_range const&) = default;
};

/// Most satisfiable ranges one request may list (before merging); more and the header
/// is ignored (full 200), which a BITS client handles by falling back to single ranges
/// (reference 10).
inline constexpr std::size_t max_ranges = 64;

/// What a Range header means for a file of `size` bytes.
struct range_request {
  enum class kind {
    whole,          ///< no usable Range header: send everything (200)
    partial,        ///< send `ranges` in this order (206)
    unsatisfiable,  ///< no range overlaps the file (416, Content-Range: bytes */size)
  };
  kind what = kind::whole;
  std::vector<byte_range> ranges;
};

/// Interprets `Range: bytes=...` for a file of `size` bytes: `a-b`, `a-` and `-n`
/// forms, comma-separated, clipped to the file. Ranges that overlap or adjoin are merged
/// into one, placed where the first of them was asked for; the others stay in request
/// order. So the ranges of a `partial` answer are disjoint, never adjacent, and together
/// no longer than the file. Syntax errors, other units and more than max_ranges
/// satisfiable ranges give `whole` (RFC 9110 14.2 lets a server coalesce or ignore such
/// a Range). Ranges starting at or past the end are dropped; none left gives
/// `unsatisfiable`. A suffix `-0` is unsatisfiable. Pure.
[[nodiscard]] range_request parse_range(std::string_view header, std::uint64_t size);

/// A strong entity tag from the file's identity: inode, size, modification time (ns).
[[nodiscard]] std::string make_etag(std::uint64_t inode, std::uint64_t size, std::int64_t mtime_ns);

/// The first and last instants an HTTP date of ours can hold: 1000-01-01T00:00:00Z and
/// 9999-12-31T23:59:59Z (IMF-fixdate has a four-digit year).
inline constexpr std::int64_t earliest_http_date = -30610224000;
inline constexpr std::int64_t latest_http_date = 253402300799;

/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for unix seconds; instants outside
/// [earliest_http_date, latest_http_date] are clamped to it.
[[nodiscard]] std::string format_http_date(std::int64_t unix_seconds);

/// Parses IMF-fixdate (the only form senders may generate); empty on anything else,
/// including years before 1000, so that every date parsed formats back to itself.
[[nodiscard]] std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept;

/// True when an If-None-Match list ("*", or comma-separated entity tags, weak ones
/// compared weakly as RFC 7232 says for this header) matches `etag`.
[[nodiscard]] bool etag_list_matches(std::string_view if_none_match,
                                     std::string_view etag) noexcept;

}  // namespace bits::core
