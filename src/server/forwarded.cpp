// X-Forwarded-For: "client, proxy1, proxy2" (each proxy appends its peer). Forwarded
// (RFC 7239): elements "for=192.0.2.60;proto=http, for=\"[2001:db8::1]:4711\"".
#include "server/forwarded.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace bits::server {

namespace net = boost::asio;

namespace {

std::string_view trim(std::string_view s) noexcept {
  auto const space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

/// Appends the comma-separated items of `value` to `out`.
void split_commas(std::string_view value, std::vector<std::string_view>& out) {
  for (;;) {
    auto const comma = value.find(',');
    out.push_back(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

/// The value of a Forwarded element's parameter `name` ("for", "proto"), unquoted; ""
/// without one.
std::string_view parameter(std::string_view element, std::string_view name) {
  for (;;) {
    auto const semi = element.find(';');
    auto const pair = trim(element.substr(0, semi));
    if (auto const eq = pair.find('=');
        eq != std::string_view::npos && iequals(trim(pair.substr(0, eq)), name)) {
      auto value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    if (semi == std::string_view::npos) return {};
    element.remove_prefix(semi + 1);
  }
}

/// The address of a hop: "192.0.2.1", "2001:db8::1", "[2001:db8::1]", with ":port" after
/// an IPv4 address or a bracketed IPv6 one; nullopt for anything else.
std::optional<net::ip::address> hop_address(std::string_view hop) {
  std::string text(hop);
  if (!text.empty() && text.front() == '[') {
    auto const close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    text = text.substr(1, close - 1);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    text = text.substr(0, text.find(':'));
  }
  boost::system::error_code ec;
  auto const a = net::ip::make_address(text, ec);
  if (ec) return std::nullopt;
  return unmapped(a);
}

}  // namespace

trusted_proxies::trusted_proxies(settings::network_list const& list) {
  for (auto const& item : list.items) {
    boost::system::error_code ec;
    auto const slash = item.find('/');
    auto const a = net::ip::make_address(item.substr(0, slash), ec);
    if (ec) continue;
    if (a.is_v4()) {
      auto const bits = static_cast<unsigned short>(
          slash == std::string::npos ? 32 : std::stoul(item.substr(slash + 1)));
      v4_.push_back(net::ip::make_network_v4(a.to_v4(), bits).canonical());
    } else {
      auto const bits = static_cast<unsigned short>(
          slash == std::string::npos ? 128 : std::stoul(item.substr(slash + 1)));
      v6_.push_back(net::ip::make_network_v6(a.to_v6(), bits).canonical());
    }
  }
}

bool trusted_proxies::contains(net::ip::address const& address) const noexcept {
  auto const a = unmapped(address);
  if (a.is_v4()) {
    return std::any_of(v4_.begin(), v4_.end(), [&](auto const& n) {
      return net::ip::make_network_v4(a.to_v4(), n.prefix_length()).canonical() == n;
    });
  }
  return std::any_of(v6_.begin(), v6_.end(), [&](auto const& n) {
    return net::ip::make_network_v6(a.to_v6(), n.prefix_length()).canonical() == n;
  });
}

net::ip::address unmapped(net::ip::address const& a) noexcept {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::optional<net::ip::address> forwarded_client(trusted_proxies const& proxies,
                                                 net::ip::address const& peer,
                                                 std::span<std::string_view const> x_forwarded_for,
                                                 std::span<std::string_view const> forwarded) {
  if (proxies.empty() || !proxies.contains(peer)) return std::nullopt;
  std::vector<std::string_view> hops;
  for (auto const value : x_forwarded_for) split_commas(value, hops);
  if (hops.empty()) {
    std::vector<std::string_view> elements;
    for (auto const value : forwarded) split_commas(value, elements);
    for (auto const element : elements) hops.push_back(parameter(element, "for"));
  }
  std::optional<net::ip::address> last_trusted;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto const a = hop_address(*it);
    if (!a) break;
    if (!proxies.contains(*a)) return a;
    last_trusted = a;
  }
  return last_trusted;
}

bool forwarded_https(trusted_proxies const& proxies, net::ip::address const& peer,
                     std::span<std::string_view const> x_forwarded_proto,
                     std::span<std::string_view const> forwarded) {
  if (proxies.empty() || !proxies.contains(peer)) return false;
  std::vector<std::string_view> items;
  for (auto const value : x_forwarded_proto) split_commas(value, items);
  if (!items.empty()) return iequals(items.back(), "https");
  for (auto const value : forwarded) split_commas(value, items);
  return !items.empty() && iequals(parameter(items.back(), "proto"), "https");
}

}  // namespace bits::server
