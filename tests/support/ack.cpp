// The Ack checks.
#include "support/ack.hpp"

#include "core/number_text.hpp"
#include "core/session_id.hpp"

#include <algorithm>
#include <string>

namespace bits::test {
namespace {

::testing::AssertionResult check_ack_shape(http_response const& r, int status) {
  if (!r.ok()) return ::testing::AssertionFailure() << "no response: " << r.describe();
  if (r.status != status) {
    return ::testing::AssertionFailure() << "status " << r.status << ", expected " << status << "\n"
                                         << r.describe();
  }
  if (!iequals(r.header_or_empty("BITS-Packet-Type"), "Ack")) {
    return ::testing::AssertionFailure() << "BITS-Packet-Type is not Ack\n" << r.describe();
  }
  if (r.header_or_empty("Content-Length") != "0" || !r.body.empty()) {
    return ::testing::AssertionFailure() << "Ack must have Content-Length: 0 and no body\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult has_error_code(http_response const& r, std::string_view code) {
  if (r.header_or_empty("BITS-Error-Code") != code) {
    return ::testing::AssertionFailure()
           << "BITS-Error-Code is '" << r.header_or_empty("BITS-Error-Code") << "', expected '"
           << code << "'\n"
           << r.describe();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult is_ack(http_response const& r, int status) {
  auto shape = check_ack_shape(r, status);
  if (!shape) return shape;
  if (r.has("BITS-Error-Code") || r.has("BITS-Error-Context")) {
    return ::testing::AssertionFailure() << "unexpected error headers\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_error_ack(http_response const& r, int status, std::string_view code,
                                        std::string_view context) {
  auto shape = check_ack_shape(r, status);
  if (!shape) return shape;
  if (auto same = has_error_code(r, code); !same) return same;
  if (r.header_or_empty("BITS-Error-Context") != context) {
    return ::testing::AssertionFailure() << "BITS-Error-Context is not " << context << "\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_error(http_response const& r, int status, std::string_view code) {
  if (!r.ok()) return ::testing::AssertionFailure() << "no response: " << r.describe();
  if (r.status != status) {
    return ::testing::AssertionFailure() << "status " << r.status << ", expected " << status << "\n"
                                         << r.describe();
  }
  return has_error_code(r, code);
}

std::optional<std::uint64_t> received_range(http_response const& r) {
  auto const text = r.header("BITS-Received-Content-Range");
  if (!text) return std::nullopt;
  return core::parse_decimal_u64(*text);
}

::testing::AssertionResult is_fragment_ack(http_response const& r, std::uint64_t next) {
  auto ack = is_ack(r, 200);
  if (!ack) return ack;
  if (r.header_or_empty("BITS-Received-Content-Range") != std::to_string(next)) {
    return ::testing::AssertionFailure()
           << "BITS-Received-Content-Range is '" << r.header_or_empty("BITS-Received-Content-Range")
           << "', expected " << next << "\n"
           << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_app_error_ack(http_response const& r, int status,
                                            std::string_view code) {
  auto error = is_error_ack(r, status, code, "0x7");
  if (!error) return error;
  if (r.has("BITS-Reply-URL")) {
    return ::testing::AssertionFailure() << "a failed notification has a BITS-Reply-URL\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_reply_ack(http_response const& r, std::uint64_t total) {
  auto progress = is_fragment_ack(r, total);
  if (!progress) return progress;
  if (r.header_or_empty("BITS-Reply-URL").empty()) {
    return ::testing::AssertionFailure() << "no BITS-Reply-URL\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

bool is_upper_guid(std::string_view text) {
  return core::parse_session_id(text).has_value() &&
         std::none_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'f'; });
}

bool is_hex32(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), core::is_hex_digit);
}

}  // namespace bits::test
