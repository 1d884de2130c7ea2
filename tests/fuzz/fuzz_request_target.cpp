// Absolute-form request targets. Whatever splits gives a non-empty authority of URI
// authority characters only (no userinfo, no path) and an origin form that starts with
// '/', carries no fragment and is a tail of the target; origin-form targets are never
// taken for absolute ones.
#include "core/request_target.hpp"

#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace core = bits::core;

bool is_authority_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~!$&'()*+,;=:[]%").find(c) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string_view const target = bits::fuzz::as_text(data, size);
  bool const absolute = core::is_absolute_form(target);
  if (!target.empty() && target.front() == '/') BITS_FUZZ_CHECK(!absolute);
  auto const split = core::split_absolute_form(target);
  if (!split) {
    BITS_FUZZ_CHECK(split.error() == bits::error::invalid_path);
    return 0;
  }
  BITS_FUZZ_CHECK(absolute);
  BITS_FUZZ_CHECK(!split->authority.empty());
  for (char const c : split->authority) BITS_FUZZ_CHECK(is_authority_char(c));
  auto const& origin = split->origin;
  BITS_FUZZ_CHECK(!origin.empty() && origin.front() == '/');
  BITS_FUZZ_CHECK(origin.find('#') == std::string::npos);
  // The target is scheme "://" authority, then the origin form (its "/" added when the
  // path was empty), then possibly a fragment.
  auto const after = target.find("://") + 3 + split->authority.size();
  auto const rest = target.substr(after, target.find('#', after) - after);
  BITS_FUZZ_CHECK(rest == origin || "/" + std::string(rest) == origin);
  return 0;
}
