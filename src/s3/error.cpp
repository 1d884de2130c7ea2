// The s3 error category and failure's log line.
#include "s3/error.hpp"

#include "core/error_category.hpp"

#include <boost/throw_exception.hpp>

#include <stdexcept>

namespace bits::s3 {

boost::system::error_category const& s3_category() noexcept {
  static core::enum_category<errc> const instance{"s3", to_string, "unknown s3 error"};
  return instance;
}

char const* to_string(errc e) noexcept {
  switch (e) {
    case errc::unreachable:
      return "unreachable";
    case errc::throttled:
      return "throttled";
    case errc::server_error:
      return "server_error";
    case errc::auth_failed:
      return "auth_failed";
    case errc::no_such_bucket:
      return "no_such_bucket";
    case errc::no_such_key:
      return "no_such_key";
    case errc::no_such_upload:
      return "no_such_upload";
    case errc::precondition_failed:
      return "precondition_failed";
    case errc::range_not_satisfiable:
      return "range_not_satisfiable";
    case errc::rejected:
      return "rejected";
    case errc::bad_response:
      return "bad_response";
  }
  return "unknown";
}

bool is_transient(errc e) noexcept {
  return e == errc::unreachable || e == errc::throttled || e == errc::server_error;
}

std::string failure::describe() const {
  std::string s = to_string(kind);
  s += " (";
  if (http_status != 0) s += std::to_string(http_status) + " ";
  s += code.empty() ? std::string("-") : code;
  if (!message.empty()) s += ": " + message;
  if (!request_id.empty()) s += "; request " + request_id;
  s += "; " + std::to_string(attempts) + (attempts == 1 ? " attempt)" : " attempts)");
  return s;
}

void throw_exception_from_error(failure const& f, boost::source_location const& loc) {
  boost::throw_exception(std::runtime_error(f.describe()), loc);
}

}  // namespace bits::s3
