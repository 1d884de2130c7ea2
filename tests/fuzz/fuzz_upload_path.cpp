// Request targets under a virtual directory. Whatever decodes must be a clean absolute
// path; whatever splits must give segments that cannot leave the root or name the
// server's own files, and that rebuild the path they came from.
#include "core/upload_path.hpp"

#include "core/message.hpp"
#include "fuzz/fuzz_check.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace core = bits::core;

constexpr std::array<std::string_view, 4> prefixes = {"/", "/up/", "/up", "/a/b/"};

bool is_forbidden(char c) {
  auto const b = static_cast<unsigned char>(c);
  return b < 0x20 || b == 0x7F || c == '\\';
}

bool is_reserved(std::string_view seg) {
  return seg.size() >= core::reserved_name_prefix.size() &&
         core::iequals(seg.substr(0, core::reserved_name_prefix.size()),
                       core::reserved_name_prefix);
}

void check_segment(std::string_view seg) {
  BITS_FUZZ_CHECK(!seg.empty());
  BITS_FUZZ_CHECK(seg != "." && seg != "..");
  BITS_FUZZ_CHECK(seg.find('/') == std::string_view::npos);
  BITS_FUZZ_CHECK(seg.find('\0') == std::string_view::npos);
  BITS_FUZZ_CHECK(seg.size() <= core::max_segment_bytes);
  BITS_FUZZ_CHECK(!is_reserved(seg));
  for (char const c : seg) BITS_FUZZ_CHECK(!is_forbidden(c));
}

void check_split(std::string_view path, std::string_view prefix) {
  auto const segments = core::split_below(path, prefix);
  if (!segments) {
    BITS_FUZZ_CHECK(segments.error() == bits::error::invalid_path);
    return;
  }
  BITS_FUZZ_CHECK(core::path_under_prefix(path, prefix));
  for (auto const& seg : *segments) check_segment(seg);
  // The segments and the prefix give the path back ("/up" and "/up/" both name the root).
  std::string base(prefix);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (segments->empty()) {
    BITS_FUZZ_CHECK(path == base || path == base + "/");
  } else {
    BITS_FUZZ_CHECK(path == base + "/" + core::join_segments(*segments));
  }
}

void check_decoded(std::string_view target, std::string const& path) {
  BITS_FUZZ_CHECK(!path.empty() && path.front() == '/');
  BITS_FUZZ_CHECK(path.size() <= core::max_path_bytes);
  for (char const c : path) BITS_FUZZ_CHECK(!is_forbidden(c));
  // Decoding never makes a path longer than the raw one.
  BITS_FUZZ_CHECK(path.size() <= target.size());
  // Every '/' of the decoded path was a literal '/' of the target (never %2F).
  std::size_t slashes = 0;
  for (char const c : target.substr(0, target.find_first_of("?#"))) slashes += c == '/';
  std::size_t decoded_slashes = 0;
  for (char const c : path) decoded_slashes += c == '/';
  BITS_FUZZ_CHECK(decoded_slashes == slashes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  bits::fuzz::fuzz_input in(data, size);
  std::string_view const prefix = prefixes[in.below(prefixes.size())];
  std::string_view const target = in.rest();

  auto const path = core::decode_target_path(target);
  if (path) {
    check_decoded(target, *path);
    check_split(*path, prefix);
  } else {
    BITS_FUZZ_CHECK(path.error() == bits::error::invalid_path);
  }
  // split_below also sees paths that did not come through decode_target_path (metadata,
  // configuration), so it must hold up on raw bytes too.
  check_split(target, prefix);
  return 0;
}
