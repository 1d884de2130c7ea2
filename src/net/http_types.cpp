// Header lookup for the exchange values.
#include "net/http_types.hpp"

#include "core/message.hpp"

namespace bits::net {

std::optional<std::string_view> find_header(header_list const& headers,
                                            std::string_view name) noexcept {
  for (auto const& [n, v] : headers) {
    if (core::iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace bits::net
