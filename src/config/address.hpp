// Syntax of host names, IP literals and listen entries, shared by the loader and
// validate(). Pure string checks, no name resolution.
#pragma once

#include "settings/types.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace bits::config {

/// True for an RFC 1123 host name: dot-separated labels of 1..63 ASCII letters, digits
/// and hyphens, no label starting or ending with a hyphen, at most 253 characters, and
/// a last label that is not all digits (so "10.0.0.256" is neither an address nor a name).
[[nodiscard]] bool is_host_name(std::string_view text) noexcept;

/// True for a dotted-quad IPv4 address ("192.0.2.1"), as inet_pton(AF_INET) reads it.
[[nodiscard]] bool is_ipv4_literal(std::string_view text) noexcept;

/// True for an IPv6 address without brackets or zone ("2001:db8::1", "::ffff:1.2.3.4").
[[nodiscard]] bool is_ipv6_literal(std::string_view text) noexcept;

/// Checks a listen entry ("host:port", "[v6addr]:port", "[v6addr%zone]:port", ":port",
/// each optionally after "tls://"; port 0 picks a free port; the port is decimal digits
/// only). "" for ":port" makes the server bind "::" dual-stack. On success returns an empty view
/// and sets `host` (brackets removed; "" for ":port") and `port`; otherwise returns a short reason
/// ("missing port", ...) and leaves both untouched. The reason is a string literal.
[[nodiscard]] std::string_view check_listen(std::string_view text, std::string& host,
                                            std::uint16_t& port);

/// Removes a leading "tls://" (a TLS listener) and says whether it was there.
[[nodiscard]] std::string_view strip_tls_scheme(std::string_view text, bool& tls) noexcept;

/// check_listen() into an endpoint, "tls://" noted: an empty view on success, else the
/// reason (a string literal), with `out` untouched.
[[nodiscard]] std::string_view parse_endpoint(std::string_view text,
                                              settings::listen_endpoint& out);

/// The entry a file would hold for `endpoint`: "0.0.0.0:8080", "tls://[::1]:8443", ":80".
[[nodiscard]] std::string format_endpoint(settings::listen_endpoint const& endpoint);

}  // namespace bits::config
