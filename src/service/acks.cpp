// Acks: the error table's headers, the cause for the log, and what names the session.
#include "service/acks.hpp"

#include "storage/upload_store.hpp"

#include <string>

namespace bits::service {

core::reply error_ack(status const& failure) {
  // An object store that is down or throttling: the client retries the same request
  // later (503 is transient for it) and the session is kept as it was.
  bool const retry = storage::store_unavailable(failure);
  core::reply r = core::make_error_ack(retry ? error::session_busy : failure.code());
  if (retry) r.set("Retry-After", std::to_string(store_retry_after));
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
