// Admission of new sessions against the session limits of a virtual directory, and the
// eviction of idle sessions that makes room (reference 9.1 BITSNumberOfSessionsLimit;
// README, "Limits and NAT"). The counting and the choice are session_quotas'.
#pragma once

#include "core/message.hpp"
#include "service/vdir_state.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace bits::service {

/// Counts the new session `s` of `principal` (empty: anonymous, from the peer
/// "address:port" `remote`) against the limits of `dir`, evicting idle sessions while
/// one is reached. Empty when admitted; otherwise the 503 (with Retry-After) to answer.
[[nodiscard]] std::optional<core::reply> admit_session(vdir_state& dir, session& s,
                                                       std::string_view principal,
                                                       std::string_view remote, std::int64_t now);

}  // namespace bits::service
