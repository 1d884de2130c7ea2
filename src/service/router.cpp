// Routing and the first steps of the validation order; each failure is one early return.
#include "service/router.hpp"

#include "core/upload_path.hpp"

#include <algorithm>

namespace bits::service {

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

outcome router::handle_bits_post(core::request_head const& req) {
  auto fail = [](error e) { return outcome{core::make_error_ack(e), nullptr, false}; };

  auto const path = core::decode_target_path(req.target);
  if (!path) return fail(error::invalid_path);
  upload_service* const vdir = find(*path);
  // Reference 2.4: outside every upload-enabled root is IIS 6's 501 E_ACCESSDENIED.
  if (vdir == nullptr || !vdir->policy().upload_enabled) return fail(error::uploads_disabled);

  auto const p = parse_packet(req);
  if (!p) return outcome{error_ack(p.error()), nullptr, false};
  auto const segments = core::split_below(*path, vdir->policy().url);
  if (!segments) return fail(error::invalid_path);

  request_context const ctx{&*segments, req.principal, req.scheme,
                            req.host,   req.target,    req.remote};
  return vdir->handle(*p, ctx);
}

}  // namespace bits::service
