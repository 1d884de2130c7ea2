// Strict readers for what a ranged download answers: Content-Range values and
// multipart/byteranges bodies (reference 10).
#pragma once

#include "support/http_response.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

/// One range of a 206 answer.
struct byte_part {
  std::uint64_t first = 0;  ///< from the Content-Range
  std::uint64_t last = 0;
  std::uint64_t size = 0;  ///< complete length after the '/'
  std::string data;
};

/// "bytes a-b/size" -> (a, b, size) with no data; nullopt for any other shape.
[[nodiscard]] std::optional<byte_part> parse_content_range(std::string_view text);

/// The parts of a multipart/byteranges response, read strictly: the boundary from
/// Content-Type, at most two CRLFs before the first delimiter, a Content-Range in every
/// part whose length says how many bytes the part holds, CRLF before each delimiter
/// and the closing delimiter at the end. nullopt, with the reason in `why`, otherwise.
[[nodiscard]] std::optional<std::vector<byte_part>> parse_byteranges(http_response const& r,
                                                                     std::string& why);

}  // namespace bits::test
