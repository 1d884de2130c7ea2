// AWS Signature Version 4 for S3 requests (header form). Pure: the caller supplies the
// time and every header it will send; nothing here does I/O.
#pragma once

#include <cstddef>
#include <ctime>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::s3 {

/// The payload hash that signs no payload (the body is then protected by TLS only).
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";

/// One request to sign. Headers are (name, value) as sent; names are matched without
/// regard to case. They must include host, x-amz-date and x-amz-content-sha256, and
/// every one of them is signed.
struct signing_request {
  std::string_view method;  ///< "GET", "PUT", ...
  std::string_view path;    ///< already URI-encoded, as sent ("/bucket/a%20b")
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded name, value
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view payload_hash;  ///< hex SHA-256 of the body, or unsigned_payload
};

/// Whose request and where.
struct signing_key {
  std::string_view access_key;
  std::string_view secret_key;
  std::string_view region;  ///< e.g. "us-east-1"
  std::string_view service = "s3";
};

/// URI-encodes `s` the way SigV4 wants it: every byte but A-Z a-z 0-9 - . _ ~ as %XY
/// (upper-case hex); '/' is kept when `keep_slash`.
[[nodiscard]] std::string uri_encode(std::string_view s, bool keep_slash);

/// The query string as sent and signed: pairs sorted by encoded name then value, each
/// "name=value" (an empty value still gets its '='), joined by '&'.
[[nodiscard]] std::string canonical_query(
    std::vector<std::pair<std::string, std::string>> const& query);

/// "YYYYMMDDTHHMMSSZ" of `t` in UTC (the x-amz-date value).
[[nodiscard]] std::string amz_date(std::time_t t);

/// Lower-case hex SHA-256 of `data`.
[[nodiscard]] std::string sha256_hex(std::span<std::byte const> data);
[[nodiscard]] std::string sha256_hex(std::string_view data);

/// The canonical request of `req` (exposed for tests against published examples).
[[nodiscard]] std::string canonical_request(signing_request const& req);

/// The Authorization header value for `req`, dated by its x-amz-date header.
[[nodiscard]] std::string authorization(signing_request const& req, signing_key const& key);

}  // namespace bits::s3
