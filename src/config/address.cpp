// Host name, IP literal and listen-entry syntax (see address.hpp).
#include "config/address.hpp"

#include "core/number_text.hpp"

#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>

namespace bits::config {
namespace {

using core::is_digit;

bool is_alnum(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool is_label(std::string_view label) noexcept {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// inet_pton wants a NUL-terminated string, hence the copy. An embedded NUL would end
// that string early, so "10.0.0.1\0junk" is rejected before.
bool pton(int family, std::string_view text) noexcept {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  if (text.find('\0') != std::string_view::npos) return false;
  std::array<char, INET6_ADDRSTRLEN> copy{};
  std::copy(text.begin(), text.end(), copy.begin());
  in6_addr address{};  // large enough for both families
  return ::inet_pton(family, copy.data(), &address) == 1;
}

// Interface names as Linux allows them after '%' in a scoped address ("fe80::1%eth0").
bool is_zone(std::string_view zone) noexcept {
  return !zone.empty() && zone.size() < 16 && std::all_of(zone.begin(), zone.end(), [](char c) {
    return is_alnum(c) || c == '_' || c == '-' || c == '.';
  });
}

bool is_scoped_ipv6(std::string_view text) noexcept {
  auto const percent = text.find('%');
  if (percent == std::string_view::npos) return is_ipv6_literal(text);
  return is_ipv6_literal(text.substr(0, percent)) && is_zone(text.substr(percent + 1));
}

// Digits only, the whole text; a sign is never accepted.
std::string_view parse_port(std::string_view text, std::uint16_t& port) noexcept {
  if (text.empty()) return "missing port number after ':'";
  if (!all_digits(text)) return "port is not a decimal number";
  auto const value = core::parse_decimal_u64(text);
  if (!value || *value > 65535) return "port must be in 0..65535";
  port = static_cast<std::uint16_t>(*value);
  return {};
}

}  // namespace

bool is_host_name(std::string_view text) noexcept {
  if (text.empty() || text.size() > 253) return false;
  std::string_view last;
  std::string_view rest = text;
  while (true) {
    auto const dot = rest.find('.');
    last = rest.substr(0, dot);
    if (!is_label(last)) return false;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return !all_digits(last);
}

bool is_ipv4_literal(std::string_view text) noexcept {
  return pton(AF_INET, text);
}

bool is_ipv6_literal(std::string_view text) noexcept {
  return text.find(':') != std::string_view::npos && pton(AF_INET6, text);
}

std::string_view check_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  bool tls = false;
  text = strip_tls_scheme(text, tls);
  if (text.empty()) return "empty listen address";
  std::string_view host_part;
  std::string_view port_part;
  if (text.front() == '[') {
    auto const close = text.find(']');
    if (close == std::string_view::npos) return "missing ']' after the IPv6 address";
    host_part = text.substr(1, close - 1);
    auto const after = text.substr(close + 1);
    if (after.empty() || after.front() != ':') return "missing ':port' after ']'";
    port_part = after.substr(1);
    if (!is_scoped_ipv6(host_part)) return "not an IPv6 address inside '[...]'";
  } else {
    auto const colon = text.rfind(':');
    if (colon == std::string_view::npos) return "missing ':port'";
    host_part = text.substr(0, colon);
    port_part = text.substr(colon + 1);
    // "::1:8080" cannot be split unambiguously, hence the brackets rule.
    if (host_part.find(':') != std::string_view::npos) {
      return "IPv6 addresses must be written in brackets, e.g. \"[::1]:8080\"";
    }
    if (!host_part.empty() && !is_ipv4_literal(host_part) && !is_host_name(host_part)) {
      return "host is not a host name or IPv4 address";
    }
  }
  std::uint16_t parsed_port = 0;
  if (auto const why = parse_port(port_part, parsed_port); !why.empty()) return why;
  host.assign(host_part);
  port = parsed_port;
  return {};
}

std::string_view strip_tls_scheme(std::string_view text, bool& tls) noexcept {
  constexpr std::string_view scheme = "tls://";
  tls = text.substr(0, scheme.size()) == scheme;
  return tls ? text.substr(scheme.size()) : text;
}

std::string_view parse_endpoint(std::string_view text, settings::listen_endpoint& out) {
  settings::listen_endpoint parsed;
  if (auto const why = check_listen(text, parsed.host, parsed.port); !why.empty()) return why;
  (void)strip_tls_scheme(text, parsed.tls);
  out = std::move(parsed);
  return {};
}

std::string format_endpoint(settings::listen_endpoint const& endpoint) {
  std::string out = endpoint.tls ? "tls://" : "";
  bool const v6 = endpoint.host.find(':') != std::string::npos;
  out += v6 ? "[" + endpoint.host + "]" : endpoint.host;
  return out + ":" + std::to_string(endpoint.port);
}

}  // namespace bits::config
