// A blocking S3 client for one bucket, on libcurl with our own SigV4 signing. Thread-safe:
// every call borrows an easy handle from a small pool, so connections are reused across
// calls and threads. Idempotent calls are retried inside the client on transient
// failures (unreachable, throttled, 5xx) with exponential backoff and full jitter.
#pragma once

#include "s3/credentials.hpp"
#include "s3/error.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bits::s3 {

/// How to reach the bucket.
struct client_options {
  std::string endpoint;  ///< "http(s)://host[:port]", no path
  std::string bucket;
  std::string region = "us-east-1";
  /// Virtual-host addressing ("https://bucket.host/key") instead of path-style
  /// ("https://host/bucket/key").
  bool virtual_host = false;
  std::string ca_file;  ///< CA bundle for TLS; empty: the system's
  /// Fixed name resolutions, "host:port:address" each (libcurl's CURLOPT_RESOLVE).
  std::vector<std::string> resolve;
  credentials keys;
  /// Sign the SHA-256 of every body (the store then rejects altered bytes even over plain
  /// HTTP); off sends UNSIGNED-PAYLOAD and leaves integrity to TLS.
  bool sign_payload = true;
  std::chrono::milliseconds connect_timeout{5000};
  /// A transfer that moves no byte for this long is abandoned (unreachable).
  std::chrono::seconds stall_timeout{30};
  /// Upper bound for one attempt of any call.
  std::chrono::seconds request_timeout{600};
  int max_attempts = 4;  ///< per idempotent call, first attempt included
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_cap{5000};
  std::size_t max_idle_handles = 16;  ///< easy handles (connections) kept between calls
};

/// What a HEAD or GET tells about an object.
struct object_info {
  std::uint64_t size = 0;          ///< the whole object's size (also for a ranged GET)
  std::string etag;                ///< with its quotes, as the store sent it
  std::int64_t last_modified = 0;  ///< unix seconds; 0 if not sent
};

/// Conditions of a write (PUT or CompleteMultipartUpload).
struct write_conditions {
  bool if_none_match = false;  ///< If-None-Match: * (only if nothing exists at the key)
  /// If-Match: this ETag, sent as given (only replace that version). RGW 16.2 compares
  /// a PUT's If-Match with the ETag without its quotes.
  std::string if_match;
};

/// An inclusive byte range [first, last].
struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

/// One uploaded part of a multipart upload.
struct part_info {
  int number = 0;
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t last_modified = 0;
};

/// One object of a listing.
struct object_entry {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t last_modified = 0;
};

/// Receives a GET body in order; false stops the transfer (the call then fails as
/// unreachable with code "aborted").
using body_sink = std::function<bool(std::span<std::byte const>)>;

class client {
 public:
  /// A client for `options`. Fails (rejected, `message` says why) when the endpoint is
  /// not an http(s) URL without path, or the bucket or keys are empty.
  [[nodiscard]] static result<std::unique_ptr<client>> create(client_options options);

  ~client();
  client(client const&) = delete;
  client& operator=(client const&) = delete;

  [[nodiscard]] client_options const& options() const noexcept;

  /// PutObject. Returns the new ETag. With conditions, a refused write is
  /// precondition_failed. Retried (a retried conditional PUT that finds its own first
  /// attempt is reported precondition_failed too; callers compare ETags).
  [[nodiscard]] result<std::string> put_object(std::string_view key,
                                               std::span<std::byte const> body,
                                               write_conditions const& cond = {});

  /// GetObject, whole or one range, into memory. `if_match`: only that version (else
  /// precondition_failed).
  [[nodiscard]] result<std::vector<std::byte>> get_object(
      std::string_view key, std::optional<byte_range> range = std::nullopt,
      std::string_view if_match = {}, object_info* info = nullptr);

  /// GetObject streamed into `sink`. Not retried once bytes reached the sink.
  [[nodiscard]] result<object_info> get_object_to(std::string_view key,
                                                  std::optional<byte_range> range,
                                                  std::string_view if_match, body_sink const& sink);

  /// HeadObject. A missing key is no_such_key (HEAD answers carry no error code, so a
  /// missing bucket looks the same).
  [[nodiscard]] result<object_info> head_object(std::string_view key);

  /// DeleteObject. Deleting a missing key succeeds (S3 semantics).
  [[nodiscard]] result<void> delete_object(std::string_view key);

  /// CreateMultipartUpload; returns the upload id. Not idempotent: retried only when
  /// the request surely never reached the store (connection refused or not resolved).
  [[nodiscard]] result<std::string> create_multipart(std::string_view key);

  /// UploadPart (numbers 1 to 10000); returns the part's ETag. Sending the same number
  /// again replaces the part.
  [[nodiscard]] result<std::string> upload_part(std::string_view key, std::string_view upload_id,
                                                int part_number, std::span<std::byte const> body);

  /// ListParts, every page. Sorted by part number.
  [[nodiscard]] result<std::vector<part_info>> list_parts(std::string_view key,
                                                          std::string_view upload_id);

  /// CompleteMultipartUpload with (number, ETag) of each part in order. Returns the
  /// object's ETag. Errors inside a 200 answer are reported as the store's code.
  [[nodiscard]] result<std::string> complete_multipart(std::string_view key,
                                                       std::string_view upload_id,
                                                       std::vector<part_info> const& parts,
                                                       write_conditions const& cond = {});

  /// AbortMultipartUpload. An upload that is already gone is no_such_upload.
  [[nodiscard]] result<void> abort_multipart(std::string_view key, std::string_view upload_id);

  /// ListObjectsV2 of every key starting with `prefix`, every page, in key order; at most
  /// `limit` entries (0: no limit).
  [[nodiscard]] result<std::vector<object_entry>> list_objects(std::string_view prefix,
                                                               std::size_t limit = 0);

  /// CreateBucket (tests and set-up). A bucket we own already is fine.
  [[nodiscard]] result<void> create_bucket();

  /// DeleteBucket (tests); the bucket must be empty.
  [[nodiscard]] result<void> delete_bucket();

 private:
  struct impl;
  explicit client(std::unique_ptr<impl> p) noexcept;
  std::unique_ptr<impl> impl_;
};

/// The ETag S3 gives a multipart object made of parts with these ETags:
/// "<hex MD5 of the concatenated binary MD5s>-<count>", quoted.
[[nodiscard]] std::string multipart_etag(std::vector<part_info> const& parts);

/// The quoted hex MD5 of `body` (the ETag of a single PUT without SSE-KMS).
[[nodiscard]] std::string md5_etag(std::span<std::byte const> body);

}  // namespace bits::s3
