// Stored password hashes in htpasswd files: which scheme a hash uses, whether we
// accept it, and checking a password against it with libcrypt.
#pragma once

#include <string>
#include <string_view>

namespace bits::auth {

/// The scheme of one htpasswd hash field, judged from its prefix and shape only.
enum class hash_scheme {
  bcrypt,        ///< `$2y$`, `$2b$`, `$2a$` (accepted)
  sha256_crypt,  ///< `$5$` (accepted)
  sha512_crypt,  ///< `$6$` (accepted)
  yescrypt,      ///< `$y$` (accepted)
  md5_apr1,      ///< `$apr1$`, Apache's MD5-crypt (rejected: fast, broken by GPUs)
  md5_crypt,     ///< `$1$` (rejected, same reason)
  sha1,          ///< `{SHA}` unsalted SHA-1 (rejected)
  des_crypt,     ///< 13 characters of the crypt alphabet (rejected: 8-character limit)
  other_crypt,   ///< another `$id$` or `_` (BSDi) method we do not verify (rejected)
  plain_text,    ///< none of the above: a plain-text password (rejected)
  empty,         ///< nothing after the ':' (rejected)
};

/// Classifies `hash`. A 13-character plain-text password made only of crypt alphabet
/// characters is indistinguishable from DES crypt and is classified as des_crypt; both
/// are rejected. Pure, noexcept.
[[nodiscard]] hash_scheme classify_hash(std::string_view hash) noexcept;

/// True for the schemes load_htpasswd accepts: bcrypt, sha256_crypt, sha512_crypt,
/// yescrypt.
[[nodiscard]] bool is_accepted(hash_scheme scheme) noexcept;

/// A short name for messages, with the prefix that identifies it, e.g.
/// "MD5-crypt ($apr1$)" or "bcrypt ($2y$/$2b$/$2a$)".
[[nodiscard]] std::string_view scheme_name(hash_scheme scheme) noexcept;

/// For an accepted scheme: true when `hash` is a complete hash of that scheme that
/// crypt can reproduce byte for byte (prefix, cost or rounds, salt length and alphabet,
/// checksum length). A bare salt ("setting") without its checksum is not well formed:
/// no password could ever match it. Always false for rejected schemes. Pure, noexcept.
[[nodiscard]] bool is_well_formed(hash_scheme scheme, std::string_view hash) noexcept;

/// Hashes `password` with the salt and parameters of `hash` (libcrypt's crypt_rn, which
/// is reentrant) and compares the result with `hash` in constant time.
/// Returns false when they differ, when `password` contains a NUL byte (crypt would
/// silently cut it there), is longer than libcrypt's limit (511 bytes), or when crypt
/// fails. Note that bcrypt only looks at the first 72 bytes of a password.
/// Blocking and slow by design (tens to hundreds of milliseconds for bcrypt): never
/// call it on an event-loop thread. Thread-safe; allocates a 32 KiB work area that is
/// wiped, like the copy of the password, before returning.
[[nodiscard]] bool verify_password(std::string_view password, std::string const& hash);

}  // namespace bits::auth
