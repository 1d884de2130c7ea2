// Range headers of downloads and the If-None-Match list. Every range of a partial answer
// must lie inside the file and be non-empty, there are at most max_ranges of them, no two
// overlap or adjoin (they are merged), and together they ask for no more bytes than the
// file has.
#include "core/byte_ranges.hpp"

#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace core = bits::core;

void check_ranges(core::range_request const& r, std::uint64_t size) {
  switch (r.what) {
    case core::range_request::kind::whole:
    case core::range_request::kind::unsatisfiable:
      BITS_FUZZ_CHECK(r.ranges.empty());
      return;
    case core::range_request::kind::partial:
      break;
  }
  BITS_FUZZ_CHECK(!r.ranges.empty());
  BITS_FUZZ_CHECK(r.ranges.size() <= core::max_ranges);
  std::uint64_t total = 0;
  for (auto const& br : r.ranges) {
    BITS_FUZZ_CHECK(br.length > 0);
    BITS_FUZZ_CHECK(br.first < size);
    BITS_FUZZ_CHECK(br.length <= size - br.first);  // first + length <= size, no wrap
    BITS_FUZZ_CHECK(br.length <= size - total);     // no more bytes than the file has
    total += br.length;
  }
  for (std::size_t i = 0; i < r.ranges.size(); ++i) {
    for (std::size_t j = i + 1; j < r.ranges.size(); ++j) {
      auto const& a = r.ranges[i];
      auto const& b = r.ranges[j];
      BITS_FUZZ_CHECK(a.first + a.length < b.first || b.first + b.length < a.first);
    }
  }
}

void check_etags(std::string_view list, std::uint64_t a, std::uint64_t b, std::int64_t c) {
  auto const etag = core::make_etag(a, b, c);
  BITS_FUZZ_CHECK(etag.size() >= 2 && etag.front() == '"' && etag.back() == '"');
  BITS_FUZZ_CHECK(core::etag_list_matches("*", etag));
  BITS_FUZZ_CHECK(core::etag_list_matches(etag, etag));
  BITS_FUZZ_CHECK(core::etag_list_matches("W/" + etag, etag));
  BITS_FUZZ_CHECK(core::etag_list_matches(std::string(list) + "," + etag, etag));
  // An arbitrary list either matches or not; it must only not crash.
  static_cast<void>(core::etag_list_matches(list, etag));
  static_cast<void>(core::etag_list_matches(etag, list));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  bits::fuzz::fuzz_input in(data, size);
  // Small files most of the time (ranges then get clipped), any size otherwise.
  std::uint8_t const mode = in.u8();
  std::uint64_t const file_size = (mode & 1u) != 0 ? in.u64() : in.u16();
  std::uint64_t const inode = in.u64();
  std::int64_t const mtime = static_cast<std::int64_t>(in.u64());
  std::string_view const header = in.rest();

  check_ranges(core::parse_range(header, file_size), file_size);
  check_etags(header, inode, file_size, mtime);
  return 0;
}
