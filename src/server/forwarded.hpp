// The client behind a reverse proxy. Only a connection from a trusted_proxies network
// may name its client (X-Forwarded-For, else Forwarded); the client is the rightmost hop
// that is not itself a trusted proxy, so a client cannot forge its address by sending
// the header itself: each proxy appends what it saw.
#pragma once

#include "settings/types.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace bits::server {

class trusted_proxies {
 public:
  /// The networks of `list` (the loader has checked them; an unreadable entry is skipped).
  explicit trusted_proxies(settings::network_list const& list);

  [[nodiscard]] bool empty() const noexcept { return v4_.empty() && v6_.empty(); }
  /// Whether `a` (an IPv4-mapped IPv6 address counts as IPv4) is in one of the networks.
  [[nodiscard]] bool contains(boost::asio::ip::address const& a) const noexcept;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

/// `a` with an IPv4-mapped IPv6 address turned into IPv4.
[[nodiscard]] boost::asio::ip::address unmapped(boost::asio::ip::address const& a) noexcept;

/// The client of a request from `peer`, or nullopt to use the peer itself: when `peer`
/// is trusted, the rightmost hop of the X-Forwarded-For values (in header order; the
/// Forwarded "for=" values when there is no X-Forwarded-For) that is not trusted; the
/// leftmost hop when all are; the last trusted hop before one that is not an address
/// ("unknown", an obfuscated name, garbage).
[[nodiscard]] std::optional<boost::asio::ip::address> forwarded_client(
    trusted_proxies const& proxies, boost::asio::ip::address const& peer,
    std::span<std::string_view const> x_forwarded_for, std::span<std::string_view const> forwarded);

/// Whether the client of a request from `peer` reached the proxy over HTTPS (a proxy
/// that terminates TLS), for the URLs the server builds (BITS-Reply-URL): only when
/// `peer` is trusted, as the last X-Forwarded-Proto item says (the one the proxy that
/// connects here wrote), else the "proto=" of the last Forwarded element.
[[nodiscard]] bool forwarded_https(trusted_proxies const& proxies,
                                   boost::asio::ip::address const& peer,
                                   std::span<std::string_view const> x_forwarded_proto,
                                   std::span<std::string_view const> forwarded);

}  // namespace bits::server
