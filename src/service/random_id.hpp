// Fresh session ids and reply tokens from the kernel's CSPRNG.
#pragma once

#include "core/session_id.hpp"

namespace bits::service {

/// A fresh session id: 128 bits from getrandom(2).
[[nodiscard]] core::session_id random_session_id();

}  // namespace bits::service
