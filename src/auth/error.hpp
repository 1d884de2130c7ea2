// Failures of the authentication library that are not plain I/O errors (those are
// reported as system error codes carrying errno).
#pragma once

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace bits::auth {

/// Why an htpasswd file could not be loaded. Each failure also comes with one or more
/// human-readable problem lines (see load_htpasswd), which say exactly what and where.
enum class auth_error {
  invalid_htpasswd = 1,  ///< at least one line is malformed, rejected or a duplicate
  htpasswd_too_large,    ///< the file is larger than max_htpasswd_bytes
  not_a_regular_file,    ///< the path names a directory, device, FIFO, ...
};

/// The category of auth_error; name "bits.auth".
[[nodiscard]] boost::system::error_category const& auth_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(auth_error e) noexcept {
  return {static_cast<int>(e), auth_category()};
}

}  // namespace bits::auth

template <>
struct boost::system::is_error_code_enum<bits::auth::auth_error> : std::true_type {};
