// Where the node's S3 keys come from: the standard AWS environment variables or an AWS
// shared credentials file. Keys are never logged; errors name the source, not the value.
#pragma once

#include "core/status.hpp"

#include <optional>
#include <string>

namespace bits::s3 {

/// An access key pair (and the token of temporary credentials, if any).
struct credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  ///< sent as x-amz-security-token when not empty
};

/// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or nothing when
/// either of the two is unset or empty.
[[nodiscard]] std::optional<credentials> credentials_from_environment();

/// The `profile` section of an AWS shared credentials file (INI: `[name]`, then
/// `aws_access_key_id = ...`, `aws_secret_access_key = ...`, `aws_session_token = ...`;
/// `#` and `;` start comments). Errors: storage_failure, its cause naming the file
/// and, when it cannot be read, the errno; or the profile that lacks a key.
[[nodiscard]] status_or<credentials> credentials_from_file(std::string const& path,
                                                           std::string const& profile);

/// The credentials a node uses: the file `path` when given (profile AWS_PROFILE, else
/// "default"); otherwise the environment variables; otherwise the file named by
/// AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials. Errors: storage_failure, its
/// cause saying what was missing.
[[nodiscard]] status_or<credentials> find_credentials(std::string const& path);

}  // namespace bits::s3
