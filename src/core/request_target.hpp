// The absolute form of a request target (RFC 9112 3.2.2): "http://host:port/up/a.bin?x"
// as clients send it through proxies, turned into the origin form and host the rest of
// the server works with. Pure string work.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace bits::core {

/// An absolute-form target split into the parts a server uses.
struct absolute_target {
  std::string_view authority;  ///< "host[:port]", as sent; replaces the Host header
  std::string origin;          ///< path and query, "/" when the path is empty
};

/// True when `target` starts with a URI scheme followed by "://" (any scheme, any case);
/// origin-form targets start with '/', so the two never overlap.
[[nodiscard]] bool is_absolute_form(std::string_view target) noexcept;

/// Splits an absolute-form target: the scheme must be http or https (any case), the
/// authority non-empty, without userinfo ("user@", RFC 9110 4.2.4) and made of URI
/// authority characters only. A fragment ("#...") is dropped. Error: error::invalid_path.
[[nodiscard]] result<absolute_target> split_absolute_form(std::string_view target);

}  // namespace bits::core
