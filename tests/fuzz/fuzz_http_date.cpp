// IMF-fixdate (If-Modified-Since, If-Range, Last-Modified). What parses must format to
// a date that parses to the same instant; what we format must parse back exactly.
#include "core/byte_ranges.hpp"

#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

namespace core = bits::core;

// 1000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: every instant an HTTP date of ours holds.
constexpr std::int64_t first_second = core::earliest_http_date;
constexpr std::int64_t last_second = core::latest_http_date;

void check_formatted(std::int64_t t) {
  auto const text = core::format_http_date(t);
  BITS_FUZZ_CHECK(text.size() == 29);
  BITS_FUZZ_CHECK(core::parse_http_date(text) == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const text = bits::fuzz::as_text(data, size);
  if (auto const t = core::parse_http_date(text)) {
    BITS_FUZZ_CHECK(text.size() == 29);
    BITS_FUZZ_CHECK(*t >= first_second && *t <= last_second + 1);  // 23:59:60 rolls over
    if (*t >= first_second && *t <= last_second) check_formatted(*t);
  }
  if (size >= 8) {
    bits::fuzz::fuzz_input in(data, size);
    auto const span = static_cast<std::uint64_t>(last_second - first_second) + 1;
    check_formatted(first_second + static_cast<std::int64_t>(in.u64() % span));
  }
  return 0;
}
