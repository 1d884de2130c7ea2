// Fresh session ids and reply tokens from the kernel's CSPRNG.
#pragma once

#include "core/session_id.hpp"
#include "core/status.hpp"

#include <cstddef>
#include <span>

namespace bits::service {

/// Fills `out` from getrandom(2). Interrupted or short calls (EINTR, EAGAIN) are retried
/// a few times, never forever. Errors: storage_failure caused by "getrandom" and its
/// errno. There is no fallback: an id must never be guessable.
[[nodiscard]] status fill_random(std::span<std::byte> out);

/// A fresh session id: 128 bits from fill_random. Errors as fill_random.
[[nodiscard]] status_or<core::session_id> random_session_id();

}  // namespace bits::service
