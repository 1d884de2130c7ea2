// The SHA-256 of a committed file kept in its extended attribute user.openbits.sha256
// (checksum_xattr), so that GET and HEAD can send Repr-Digest (RFC 9530) and Digest
// (RFC 3230) without reading the file.
//
// The attribute's value is ASCII: "<64 hex digits> <size> <mtime in ns>". The size and
// modification time are those of the file when the digest was stored: a file changed
// in place afterwards (its mtime or size differ) has no digest. A value of just the 64
// hex digits (set by hand, e.g. `setfattr -n user.openbits.sha256 -v <hex> FILE`) is
// accepted without that check.
#pragma once

#include "core/error.hpp"
#include "hooks/sha256.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bits::hooks {

/// Name of the extended attribute.
inline constexpr char const* checksum_xattr_name = "user.openbits.sha256";

/// Stores `digest` in the attribute of the open regular file `fd`, with its current
/// size and mtime (call it after the last write). Errors: the errno of fstat or
/// fsetxattr in the system category (ENOTSUP / EOPNOTSUPP: the filesystem keeps no user
/// attributes; ENOSPC, EDQUOT; EPERM on files the process does not own).
[[nodiscard]] boost::system::error_code store_checksum_xattr(int fd, sha256_digest const& digest);

/// The digest in the attribute of the open file `fd`, when there is one and it still
/// matches the file's size and mtime. nullopt when the attribute is missing, malformed,
/// stale, or the filesystem has none; errors only for other failures (EIO, EBADF).
[[nodiscard]] result<std::optional<sha256_digest>> read_checksum_xattr(int fd);

/// The Repr-Digest field value of RFC 9530: "sha-256=:<base64>:".
[[nodiscard]] std::string repr_digest_value(sha256_digest const& digest);

/// The Digest field value of RFC 3230 (older clients): "SHA-256=<base64>".
[[nodiscard]] std::string digest_value(sha256_digest const& digest);

}  // namespace bits::hooks
