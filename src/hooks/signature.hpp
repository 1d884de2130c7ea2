// The signature of a webhook delivery: HMAC-SHA256, keyed by the hook's secret, over
// the timestamp header's value, a '.', and the body, so that a receiver can check a
// request came from this server and refuse a recorded one replayed later (the
// timestamp is covered; a receiver refuses timestamps far from its clock, and event
// ids it has already seen).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bits::hooks {

/// Header carrying the signature: "sha256=<64 lower-case hex digits>".
inline constexpr std::string_view signature_header = "X-OpenBITS-Signature";
/// Header carrying the unix time (decimal seconds) the request was signed at.
inline constexpr std::string_view timestamp_header = "X-OpenBITS-Timestamp";
/// Header naming the event type ("post-commit").
inline constexpr std::string_view event_header = "X-OpenBITS-Event";
/// Header carrying the event id (the same for every delivery of one event).
inline constexpr std::string_view delivery_header = "X-OpenBITS-Delivery";

/// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
[[nodiscard]] std::string sign_webhook(std::string_view secret, std::int64_t timestamp,
                                       std::string_view body);

/// True when `signature` is what sign_webhook gives for these inputs (compared in
/// constant time).
[[nodiscard]] bool verify_webhook(std::string_view secret, std::int64_t timestamp,
                                  std::string_view body, std::string_view signature);

}  // namespace bits::hooks
