// Resolve once, then dispatch: the one step that decodes a request's target, finds its
// virtual directory and, for a BITS_POST, checks its packet. Authentication, dispatch
// and the request log all read its result; nothing decodes or parses the head again.
#pragma once

#include "core/message.hpp"
#include "server/route_table.hpp"
#include "service/router.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bits::server {

/// A request resolved against the virtual directories. Views into the request head:
/// valid while the request is handled.
struct resolved_request {
  /// The decoded target path; an error when the target does not decode.
  result<std::string> path = error::invalid_path;
  /// The directory covering `path` and its authentication; null when none does (or the
  /// path did not decode).
  vdir_route const* route = nullptr;
  /// BITS_POST: BITS-Packet-Type as sent, for the log.
  std::optional<std::string_view> packet_type;
  /// BITS_POST: the checked packet and destination, or the error that answers it before
  /// any session is looked up (service::check_bits_post). Meaningless for other methods.
  result<service::bits_post> post = error::uploads_disabled;
};

/// Resolves `head` against `routes`. Pure: no I/O, no authentication.
[[nodiscard]] resolved_request resolve(core::request_head const& head, route_table const& routes);

}  // namespace bits::server
