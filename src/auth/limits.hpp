// Size limits shared by the htpasswd loader and the Authorization header parser.
#pragma once

#include <cstddef>

namespace bits::auth {

/// Longest Authorization header value accepted, in bytes (the BITS header limit).
inline constexpr std::size_t max_authorization_bytes = 4096;

/// Longest user name, in bytes, both in htpasswd files and in Basic credentials.
inline constexpr std::size_t max_user_bytes = 300;

/// Longest password in Basic credentials, in bytes. libcrypt itself stops at 511 bytes
/// (verify_password fails above that), and a 4096-byte header cannot carry more than
/// about 3000 bytes anyway; this bound only keeps the parser's contract self-contained.
inline constexpr std::size_t max_password_bytes = 65535;

/// Largest htpasswd file load_htpasswd reads (16 MiB; roughly 150,000 bcrypt entries).
inline constexpr std::size_t max_htpasswd_bytes = std::size_t{16} * 1024 * 1024;

}  // namespace bits::auth
