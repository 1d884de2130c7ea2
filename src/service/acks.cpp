// Session Acks: the error table's headers plus what names the session.
#include "service/acks.hpp"

#include <string>

namespace bits::service {

error to_bits_error(boost::system::error_code ec) noexcept {
  if (ec.category() == bits_category()) return static_cast<error>(ec.value());
  return error::storage_failure;
}

core::reply session_ack(core::session_id const& id) {
  core::reply r = core::make_ack();
  r.set(core::header::session_id, id.to_string());
  return r;
}

core::reply session_error(error e, core::session_id const& id,
                          std::optional<std::uint64_t> received) {
  core::reply r = core::make_error_ack(e);
  r.set(core::header::session_id, id.to_string());
  if (received) r.set(core::header::received_content_range, std::to_string(*received));
  return r;
}

}  // namespace bits::service
