// The Acks that name a session: every answer to Fragment, Close-Session and
// Cancel-Session, success or error.
#pragma once

#include "core/error.hpp"
#include "core/message.hpp"
#include "core/session_id.hpp"

#include <cstdint>
#include <optional>

namespace bits::service {

/// `ec` as a bits::error; errors of other categories become storage_failure.
[[nodiscard]] error to_bits_error(boost::system::error_code ec) noexcept;

/// A 200 Ack carrying BITS-Session-Id.
[[nodiscard]] core::reply session_ack(core::session_id const& id);

/// The Ack for a packet about session `id` that failed with `e`: error headers, the
/// session id, and BITS-Received-Content-Range when `received` is known.
[[nodiscard]] core::reply session_error(error e, core::session_id const& id,
                                        std::optional<std::uint64_t> received);

}  // namespace bits::service
