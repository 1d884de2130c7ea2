// Syntax of host names, IP literals and listen entries, shared by validate() and
// parse_listen(). Internal to the config layer: pure string checks, no name resolution.
#pragma once

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

/// Checks a listen entry ("host:port", "[v6addr]:port", "[v6addr%zone]:port", ":port").
/// On success returns an empty view and sets `host` (brackets removed; "" for ":port")
/// and `port`; otherwise returns a short reason ("missing port", ...) and leaves both
/// untouched. The reason is a string literal.
[[nodiscard]] std::string_view check_listen(std::string_view text, std::string& host,
                                            std::uint16_t& port);

}  // namespace bits::config
