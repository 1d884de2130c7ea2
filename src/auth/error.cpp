// The "bits.auth" error category: one sentence per auth_error, for logs and
// `openbitsd --check-config`.
#include "auth/error.hpp"

#include "core/error_category.hpp"

namespace bits::auth {
namespace {

// Exhaustive switch without default: -Werror=switch flags an enumerator without text.
char const* describe(auth_error e) noexcept {
  switch (e) {
    case auth_error::invalid_htpasswd:
      return "the htpasswd file has invalid or rejected entries";
    case auth_error::htpasswd_too_large:
      return "the htpasswd file is too large";
    case auth_error::not_a_regular_file:
      return "the htpasswd path is not a regular file";
  }
  return nullptr;  // a value outside the enum
}

}  // namespace

boost::system::error_category const& auth_category() noexcept {
  static core::enum_category<auth_error> const instance{"bits.auth", describe,
                                                        "unknown auth error"};
  return instance;
}

}  // namespace bits::auth
