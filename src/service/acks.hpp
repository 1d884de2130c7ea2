// The Acks the service answers with: error Acks that carry their cause to the request
// log, and the Acks that name a session (every answer to Fragment, Close-Session and
// Cancel-Session).
#pragma once

#include "core/message.hpp"
#include "core/session_id.hpp"
#include "core/status.hpp"

#include <cstdint>
#include <optional>

namespace bits::service {

/// Seconds a client is asked to wait when the object store is unavailable.
inline constexpr int store_retry_after = 10;

/// The error Ack for `failure` (core::make_error_ack of its error), with its cause in
/// reply::cause for the request log; a failure of an unavailable object store
/// (storage::store_unavailable) is answered 503 with Retry-After instead.
[[nodiscard]] core::reply error_ack(status const& failure);

/// A 200 Ack carrying BITS-Session-Id.
[[nodiscard]] core::reply session_ack(core::session_id const& id);

/// The Ack for a packet about session `id` that failed with `failure`: error_ack, the
/// session id, and BITS-Received-Content-Range when `received` is known.
[[nodiscard]] core::reply session_error(status const& failure, core::session_id const& id,
                                        std::optional<std::uint64_t> received);

}  // namespace bits::service
