// Routing and the first steps of the validation order; each failure is one early return.
#include "service/router.hpp"

#include "core/upload_path.hpp"
#include "service/acks.hpp"

#include <algorithm>

namespace bits::service {

result<bits_post> check_bits_post(result<std::string> const& path, upload_service* vdir,
                                  core::request_head const& req) {
  if (!path) return error::invalid_path;
  // Reference 2.4: outside every upload-enabled root is IIS 6's 501 E_ACCESSDENIED.
  if (vdir == nullptr || !vdir->policy().upload_enabled) return error::uploads_disabled;

  auto p = parse_packet(req);
  if (!p) return p.error();
  auto segments = core::split_below(*path, vdir->policy().url);
  if (!segments) return error::invalid_path;
  return bits_post{vdir, std::move(*segments), *p};
}

outcome dispatch(bits_post const& post, core::request_head const& req) {
  request_context const ctx{&post.destination, req.principal, req.scheme,
                            req.host,          req.target,    req.remote};
  return post.vdir->handle(post.p, ctx);
}

bool blocks_on_disk(packet const& p) noexcept {
  return p.type == core::packet_type::create_session ||
         p.type == core::packet_type::close_session || p.type == core::packet_type::cancel_session;
}

void router::add(std::unique_ptr<upload_service> vdir) {
  vdirs_.push_back(std::move(vdir));
  std::stable_sort(vdirs_.begin(), vdirs_.end(), [](auto const& a, auto const& b) {
    return a->policy().url.size() > b->policy().url.size();
  });
}

upload_service* router::find(std::string_view path) const noexcept {
  for (auto const& v : vdirs_) {
    if (core::path_under_prefix(path, v->policy().url)) return v.get();
  }
  return nullptr;
}

outcome router::handle_bits_post(core::request_head const& req) const {
  auto const path = core::decode_target_path(req.target);
  auto const post = check_bits_post(path, path ? find(*path) : nullptr, req);
  if (!post) return outcome{error_ack(post.error()), nullptr, false};
  return dispatch(*post, req);
}

}  // namespace bits::service
