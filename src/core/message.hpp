// Plain values that carry one HTTP request head into the service layer and one reply
// out of it, so that handlers never see Beast (the server layer converts, once).
#pragma once

#include "core/error.hpp"
#include "core/protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::core {

/// One request's method, target and header fields. Views into the front's parser
/// buffers: valid only while the request is being handled.
struct request_head {
  std::string_view method;
  std::string_view target;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::optional<std::uint64_t> content_length;  ///< parsed by the front; empty if absent
  bool chunked = false;                         ///< Transfer-Encoding: chunked was sent
  bool keep_alive = true;                       ///< the client wants the connection kept
  std::string_view remote;                      ///< peer address, for logs
  std::string_view principal;                   ///< authenticated user; empty = anonymous
  std::string_view scheme = "http";             ///< "http" or "https", for absolute URLs
  std::string_view host;                        ///< Host header, for absolute URLs

  /// First value of `name` (case-insensitive), or empty.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// One response: status and header fields; no body (Acks never have one). The front
/// adds Content-Length: 0 and Connection handling.
struct reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> fields;
  bool close = false;  ///< the connection must close after this reply
  std::string cause;   ///< why it failed, for the request log (status::why); never sent

  reply& set(std::string_view name, std::string value);
  /// Value of `name` (case-insensitive), or empty.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

/// Case-insensitive ASCII comparison (header names, BITS tokens).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// An Ack: status 200 (unless given), BITS-Packet-Type: Ack.
[[nodiscard]] reply make_ack(unsigned status = 200);

/// An error Ack for `e`: status, BITS-Error-Code and BITS-Error-Context from to_wire.
[[nodiscard]] reply make_error_ack(error e);

}  // namespace bits::core
