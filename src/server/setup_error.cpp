// The log form of a setup_error.
#include "server/setup_error.hpp"

namespace bits::server {

std::string setup_error::message() const {
  if (!cause) return context;
  return context + ": " + cause.message();
}

}  // namespace bits::server
