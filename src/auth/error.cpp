// The "bits.auth" error category: one sentence per auth_error, for logs and
// `openbitsd --check-config`.
#include "auth/error.hpp"

#include <string>

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

// boost::system::error_category has a protected non-virtual destructor (categories are
// never deleted through a base pointer); -Wnon-virtual-dtor still flags every subclass.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class auth_category_impl final : public boost::system::error_category {
 public:
  char const* name() const noexcept override { return "bits.auth"; }

  std::string message(int value) const override {
    char const* text = describe(static_cast<auth_error>(value));
    return text != nullptr ? text : "unknown auth error " + std::to_string(value);
  }
};
#pragma GCC diagnostic pop

}  // namespace

boost::system::error_category const& auth_category() noexcept {
  static auth_category_impl const instance;
  return instance;
}

}  // namespace bits::auth
