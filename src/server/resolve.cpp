// The resolve step: decode, find, check; in the validation order's sequence.
#include "server/resolve.hpp"

#include "core/protocol.hpp"
#include "core/upload_path.hpp"

namespace bits::server {

resolved_request resolve(core::request_head const& head, route_table const& routes) {
  resolved_request r;
  r.path = core::decode_target_path(head.target);
  if (r.path) r.route = routes.find(*r.path);
  if (head.method == core::bits_post_method) {
    r.packet_type = head.header(core::header::packet_type);
    r.post = service::check_bits_post(r.path, r.route ? r.route->vdir : nullptr, head);
  }
  return r;
}

}  // namespace bits::server
