// The one thing the jobs need from the network: perform one HTTP exchange. The real
// implementation is libcurl (make_curl_transport); unit tests use an in-memory fake
// BITS server behind the same interface.
#pragma once

#include "core/error.hpp"
#include "net/http_options.hpp"
#include "net/http_types.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace bits::client {

/// Bytes of request and response body moved so far in the exchange; return false to
/// stop it (the exchange then fails with errc::cancelled).
using transfer_progress = std::function<bool(std::uint64_t sent, std::uint64_t received)>;

class transport {
 public:
  virtual ~transport() = default;

  /// Performs `request` and returns the response, whatever its status. Errors: a
  /// transport failure (net::curl_category: refused, reset, timed out, ...), the
  /// request's sink or body reader error, errc::cancelled.
  [[nodiscard]] virtual result<net::response> exchange(net::request const& request,
                                                       transfer_progress const& progress) = 0;
};

/// A transport on one reused libcurl handle with `options`.
[[nodiscard]] result<std::unique_ptr<transport>> make_curl_transport(
    net::http_options const& options);

}  // namespace bits::client
