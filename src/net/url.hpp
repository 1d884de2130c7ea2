// URL manipulation the client needs, on libcurl's URL parser: validate a job URL,
// swap the host for BITS-Host-Id, resolve a reply URL against the upload URL.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace bits::net {

/// Parses an absolute http or https URL and returns it normalised by libcurl. Errors
/// (curl-url category): not absolute, another scheme, malformed.
[[nodiscard]] result<std::string> normalize_url(std::string_view url);

/// `url` with its host replaced by `host`; scheme, port, path and query stay
/// (reference 8). An IPv6 literal may be given with or without brackets.
[[nodiscard]] result<std::string> replace_host(std::string_view url, std::string_view host);

/// Resolves `reference` (absolute, or relative like IIS's reply URLs) against `base`
/// (RFC 3986). Characters not allowed in a URL, such as IIS's braces, are
/// percent-encoded. Backslashes are not touched: the caller decides about those.
[[nodiscard]] result<std::string> resolve_reference(std::string_view base,
                                                    std::string_view reference);

}  // namespace bits::net
