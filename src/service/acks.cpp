// Acks: the error table's headers, the cause for the log, and what names the session.
#include "service/acks.hpp"

#include <string>

namespace bits::service {

core::reply error_ack(status const& failure) {
  core::reply r = core::make_error_ack(failure.code());
  r.cause = failure.why().text();
  return r;
}

core::reply session_ack(core::session_id const& id) {
  core::reply r = core::make_ack();
  r.set(core::header::session_id, id.to_string());
  return r;
}

core::reply session_error(status const& failure, core::session_id const& id,
                          std::optional<std::uint64_t> received) {
  core::reply r = error_ack(failure);
  r.set(core::header::session_id, id.to_string());
  if (received) r.set(core::header::received_content_range, std::to_string(*received));
  return r;
}

}  // namespace bits::service
