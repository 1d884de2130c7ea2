// Real password hashes for the auth tests, made with libcrypt at test time so the
// tests depend neither on the htpasswd tool nor on hashes pasted from elsewhere.
#pragma once

#include <string>
#include <string_view>

namespace bits::auth::test {

/// crypt_gensalt_rn(prefix, count) + crypt_rn(password). `count` 0 picks the method's
/// default cost; bcrypt gets its minimum (4) unless asked otherwise, to keep tests fast.
/// Returns an empty string if libcrypt refuses (the caller's ASSERT then fails).
[[nodiscard]] std::string make_hash(std::string_view prefix, std::string_view password,
                                    unsigned long count = 0);

/// Traditional DES crypt of `password` (13 characters), made with salt "ab".
[[nodiscard]] std::string make_des_hash(std::string_view password);

/// "Basic " + base64(text), encoded with OpenSSL.
[[nodiscard]] std::string basic_header(std::string_view text);

}  // namespace bits::auth::test
