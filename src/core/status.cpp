// status: the protocol error plus its cause, and their text for logs.
#include "core/status.hpp"

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <cerrno>
#include <ostream>

namespace bits {

std::string cause::text() const {
  std::string const said = !message.empty() ? message : detail ? detail.message() : std::string();
  if (said.empty()) return operation;
  if (operation.empty()) return said;
  return operation + ": " + said;
}

status::status(boost::system::error_code const& ec) {
  if (!ec) return;
  if (ec.category() == bits_category()) {
    error_ = static_cast<error>(ec.value());
  } else {
    error_ = error::storage_failure;
    cause_.detail = ec;
  }
}

status status::from_errno(std::string operation, int err) {
  error const e = (err == ENOSPC || err == EDQUOT) ? error::disk_full : error::storage_failure;
  return {e, bits::cause(std::move(operation), {err, boost::system::generic_category()})};
}

boost::system::error_code status::error_code() const noexcept {
  if (ok()) return {};
  return make_error_code(error_);
}

std::string status::message() const {
  if (ok()) return "ok";
  std::string text = error_code().message();
  if (!cause_.empty()) text += " (" + cause_.text() + ")";
  return text;
}

std::ostream& operator<<(std::ostream& out, status const& s) {
  return out << s.message();
}

void throw_exception_from_error(status const& s, boost::source_location const& loc) {
  boost::throw_with_location(boost::system::system_error(s.error_code(), s.why().text()), loc);
}

}  // namespace bits
