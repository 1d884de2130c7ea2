// The "bits.negotiate" error category and negotiate_failure's text.
#include "auth/negotiate_error.hpp"

#include "core/error_category.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace bits::auth {
namespace {

// Exhaustive switch without default: -Werror=switch flags an enumerator without text.
char const* describe(negotiate_errc e) noexcept {
  switch (e) {
    case negotiate_errc::credentials_unavailable:
      return "the server's Kerberos or NTLM credentials cannot be used";
    case negotiate_errc::invalid_options:
      return "the Negotiate settings cannot work";
    case negotiate_errc::bad_token:
      return "the authentication token is malformed or of a mechanism not accepted";
    case negotiate_errc::rejected:
      return "the client's credentials were refused";
    case negotiate_errc::context_finished:
      return "the authentication exchange has already ended";
  }
  return nullptr;
}

}  // namespace

boost::system::error_category const& negotiate_category() noexcept {
  static core::enum_category<negotiate_errc> const instance{"bits.negotiate", describe,
                                                            "unknown negotiate error"};
  return instance;
}

char const* to_string(negotiate_errc e) noexcept {
  switch (e) {
    case negotiate_errc::credentials_unavailable:
      return "credentials_unavailable";
    case negotiate_errc::invalid_options:
      return "invalid_options";
    case negotiate_errc::bad_token:
      return "bad_token";
    case negotiate_errc::rejected:
      return "rejected";
    case negotiate_errc::context_finished:
      return "context_finished";
  }
  return "unknown";
}

std::string negotiate_failure::describe() const {
  return std::string(to_string(kind)) + ": " + message;
}

void throw_exception_from_error(negotiate_failure const& f, boost::source_location const& loc) {
  boost::throw_exception(std::runtime_error(f.describe()), loc);
}

}  // namespace bits::auth
