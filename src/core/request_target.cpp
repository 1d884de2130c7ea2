// Absolute-form request targets -> authority and origin form.
#include "core/request_target.hpp"

#include "core/message.hpp"
#include "core/number_text.hpp"

namespace bits::core {
namespace {

constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// unreserved, sub-delims, ':' (port), '[' ']' (IPv6 literals) and '%' (pct-encoded).
constexpr bool is_authority_char(char c) noexcept {
  return is_alpha(c) || is_digit(c) ||
         std::string_view("-._~!$&'()*+,;=:[]%").find(c) != std::string_view::npos;
}

/// Length of the scheme ending at "://", or 0 when `target` does not start with one.
std::size_t scheme_length(std::string_view target) noexcept {
  auto const end = target.find("://");
  if (end == std::string_view::npos || end == 0 || !is_alpha(target.front())) return 0;
  for (char const c : target.substr(0, end)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return end;
}

}  // namespace

bool is_absolute_form(std::string_view target) noexcept {
  return scheme_length(target) > 0;
}

result<absolute_target> split_absolute_form(std::string_view target) {
  auto const scheme_len = scheme_length(target);
  auto const scheme = target.substr(0, scheme_len);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return error::invalid_path;
  auto rest = target.substr(scheme_len + 3);
  rest = rest.substr(0, rest.find('#'));
  auto const end = rest.find_first_of("/?");
  absolute_target out;
  out.authority = rest.substr(0, end);
  if (out.authority.empty()) return error::invalid_path;
  for (char const c : out.authority) {
    if (!is_authority_char(c)) return error::invalid_path;  // '@' of userinfo among others
  }
  auto const tail = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  if (tail.empty() || tail.front() == '?') out.origin = "/";
  out.origin += tail;
  return out;
}

}  // namespace bits::core
