// The webhook (hook_url): the event's JSON POSTed with Content-Type application/json
// and these headers (signature.hpp):
//   X-OpenBITS-Event: post-commit             the event type
//   X-OpenBITS-Delivery: <event id>           the same on every delivery of the event
//   X-OpenBITS-Timestamp: <unix seconds>      when this attempt was signed
//   X-OpenBITS-Signature: sha256=<hex>        HMAC-SHA256 over "<timestamp>.<body>"
//                                             keyed by hook_secret (absent without one)
// The answer: 2xx accepted, 4xx refused (a pre-create refusal's details may be in the
// body, pre_create.hpp), anything else or no answer within the time limit failed.
// Redirects are not followed. Connections are kept alive between calls.
#pragma once

#include "hooks/hook.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace bits::hooks {

struct http_hook_options {
  /// Absolute http or https URL.
  std::string url;
  /// HMAC key of the signature; empty = requests are not signed.
  std::string secret;
  /// Time limit of one call, connection included.
  std::chrono::milliseconds timeout{10000};
  /// PEM bundle of the CAs to trust for https; empty = the system's.
  std::string ca_file;
  /// Idle keep-alive connections kept for later calls.
  std::size_t max_idle_connections = 4;
};

/// A webhook. Errors: the URL does not parse or is not http/https (curl-url category).
[[nodiscard]] result<std::unique_ptr<hook>> make_http_hook(http_hook_options options);

}  // namespace bits::hooks
