// The few S3 XML documents the client reads and writes (pugixml).
#pragma once

#include "s3/client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::s3::detail {

/// <Error><Code/><Message/><RequestId/></Error>, when `body` is one.
struct error_body {
  std::string code;
  std::string message;
  std::string request_id;
};
[[nodiscard]] std::optional<error_body> parse_error(std::string_view body);

/// InitiateMultipartUploadResult/UploadId.
[[nodiscard]] std::optional<std::string> parse_upload_id(std::string_view body);

/// One page of ListPartsResult; `next_marker` is set when IsTruncated.
struct parts_page {
  std::vector<part_info> parts;
  std::optional<std::string> next_marker;
};
[[nodiscard]] std::optional<parts_page> parse_list_parts(std::string_view body);

/// One page of ListBucketResult (V2); `next_token` is set when IsTruncated.
struct objects_page {
  std::vector<object_entry> objects;
  std::optional<std::string> next_token;
};
[[nodiscard]] std::optional<objects_page> parse_list_objects(std::string_view body);

/// CompleteMultipartUploadResult/ETag (may be empty: some stores omit it).
[[nodiscard]] std::optional<std::string> parse_complete(std::string_view body);

/// The CompleteMultipartUpload request body.
[[nodiscard]] std::string complete_body(std::vector<part_info> const& parts);

/// "2026-12-03T13:27:23.803Z" as unix seconds, 0 when unreadable.
[[nodiscard]] std::int64_t parse_iso8601(std::string_view text);

}  // namespace bits::s3::detail
