// One HTTP response as the client saw it, with case-insensitive header lookup.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::test {

/// Header fields in the order they were sent (or are to be sent).
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Why a read produced no response.
enum class read_outcome {
  response,   ///< a complete response was read
  closed,     ///< the peer closed the connection (EOF) before a complete response
  reset,      ///< the connection was reset (ECONNRESET, EPIPE)
  timeout,    ///< nothing (or not enough) arrived within the socket timeout
  malformed,  ///< bytes arrived that are not an HTTP/1.x response
};

/// Text for an outcome ("closed", "timeout", ...).
[[nodiscard]] std::string_view to_string(read_outcome outcome) noexcept;

/// A parsed response. `status` is 0 when no response was read; `outcome` says why.
struct http_response {
  read_outcome outcome = read_outcome::closed;
  std::string version;  ///< "HTTP/1.1"
  int status = 0;
  std::string reason;
  header_list headers;
  std::string body;

  /// True when a complete response was read.
  [[nodiscard]] bool ok() const noexcept { return outcome == read_outcome::response; }

  /// Value of the first field named `name` (compared case-insensitively).
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;

  /// Value of `name`, or "" when absent.
  [[nodiscard]] std::string header_or_empty(std::string_view name) const;

  /// True when at least one field is named `name`.
  [[nodiscard]] bool has(std::string_view name) const { return count(name) > 0; }

  /// Number of fields named `name`.
  [[nodiscard]] std::size_t count(std::string_view name) const;

  /// Status line and headers as text, for failure messages.
  [[nodiscard]] std::string describe() const;
};

/// ASCII case-insensitive equality.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// ASCII case-insensitive substring search.
[[nodiscard]] bool icontains(std::string_view haystack, std::string_view needle) noexcept;

/// Lets GoogleTest print a response in failure messages.
std::ostream& operator<<(std::ostream& os, http_response const& response);

}  // namespace bits::test
