// The NTLM user file that gss-ntlmssp checks NTLM logons against: what a start-up
// check can say about it before the first logon does.
#pragma once

#include "auth/negotiate_error.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace bits::auth {

/// Largest NTLM user file check_ntlm_users reads.
inline constexpr std::size_t max_ntlm_users_bytes = std::size_t{16} * 1024 * 1024;

/// What an NTLM user file holds. gss-ntlmssp reads two line forms (and skips others):
///   `DOMAIN:user:password`                                  (Heimdal: a plain password)
///   `DOMAIN\user:uid:LM-hash:NT-hash:flags:...`             (smbpasswd: the NT hash)
struct ntlm_users_summary {
  std::size_t hashed_accounts = 0;     ///< smbpasswd lines
  std::size_t plaintext_accounts = 0;  ///< Heimdal lines
  /// Lines worth a log line at start-up, "ntlm_users PATH: ...": plain-text passwords
  /// (gss-ntlmssp 1.2.0, Debian 12, leaks about 6 KiB of memory per logon of such an
  /// account: it derives the NT hash with an MD4 it never frees; a file of NT hashes
  /// avoids both the leak and passwords on disk), and lines gss-ntlmssp skips.
  std::vector<std::string> warnings;
};

/// Reads the file at `path` (a regular file of at most max_ntlm_users_bytes) and counts
/// its accounts. Errors (credentials_unavailable, with the path and the reason): the
/// file cannot be read, is not a regular file, is too large, has a line of 1023 bytes
/// or more (gss-ntlmssp would read it as two), or holds no account. Blocking file I/O:
/// for start-up and reloads. Never quotes a line (it may hold a password).
[[nodiscard]] negotiate_result<ntlm_users_summary> check_ntlm_users(std::string const& path);

}  // namespace bits::auth
