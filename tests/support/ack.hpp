// What a BITS client sees in an answer of the real openbitsd: Ack checks for every
// suite, as GoogleTest assertion results that print the whole response on failure,
// and the HRESULTs the tests compare BITS-Error-Code with.
#pragma once

#include "support/http_response.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <thread>

namespace bits::test {

inline constexpr std::string_view e_invalidarg = "0x80070057";
inline constexpr std::string_view e_accessdenied = "0x80070005";
inline constexpr std::string_view e_path_not_found = "0x80070003";
inline constexpr std::string_view e_disk_full = "0x80070070";
inline constexpr std::string_view bg_e_session_not_found = "0x8020001F";
inline constexpr std::string_view bg_e_too_large = "0x80200020";
inline constexpr std::string_view e_server_busy = "0x801901F7";

/// `r` is a success Ack: the status, BITS-Packet-Type: Ack, Content-Length: 0, no body,
/// and neither BITS-Error-Code nor BITS-Error-Context.
[[nodiscard]] ::testing::AssertionResult is_ack(http_response const& r, int status);

/// `r` is an error Ack: the status, BITS-Packet-Type: Ack, Content-Length: 0, no body,
/// BITS-Error-Code equal to `code` and BITS-Error-Context equal to `context` (0x5: the
/// remote file; 0x7: the server application).
[[nodiscard]] ::testing::AssertionResult is_error_ack(http_response const& r, int status,
                                                      std::string_view code,
                                                      std::string_view context = "0x5");

/// `r` has `status` and BITS-Error-Code == `code`, whatever else it is (a 401 challenge,
/// a 503 before any packet was read).
[[nodiscard]] ::testing::AssertionResult is_error(http_response const& r, int status,
                                                  std::string_view code);

/// BITS-Received-Content-Range as a number; nullopt when absent or not decimal.
[[nodiscard]] std::optional<std::uint64_t> received_range(http_response const& r);

/// is_ack(r, 200) with BITS-Received-Content-Range: `next` (in decimal, as written).
[[nodiscard]] ::testing::AssertionResult is_fragment_ack(http_response const& r,
                                                         std::uint64_t next);

/// The error Ack for a failed notification (reference 7.6): is_error_ack with context
/// 0x7, and no BITS-Reply-URL.
[[nodiscard]] ::testing::AssertionResult is_app_error_ack(http_response const& r, int status,
                                                          std::string_view code);

/// The Ack completing an upload-reply job: is_fragment_ack(r, total) and a
/// BITS-Reply-URL.
[[nodiscard]] ::testing::AssertionResult is_reply_ack(http_response const& r, std::uint64_t total);

/// A brace-wrapped GUID with upper-case hex digits.
[[nodiscard]] bool is_upper_guid(std::string_view text);

/// True when `text` is 32 lower- or upper-case hex digits.
[[nodiscard]] bool is_hex32(std::string_view text);

/// Calls `send` again (after 50 ms) while it answers 503 (a busy session), for at most
/// 10 s, and returns the last answer.
template <typename Send>
http_response retry_while_busy(Send&& send) {
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    http_response r = send();
    if (r.status != 503 || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace bits::test
