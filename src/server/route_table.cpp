// Route lookup: the router's longest-prefix order, each directory with its policy.
#include "server/route_table.hpp"

#include "core/upload_path.hpp"

#include <algorithm>

namespace bits::server {

route_table::route_table(service::router const& router, authenticators const& auth) {
  for (auto const& v : router.vdirs()) {
    auto const it = auth.find(v->policy().url);
    routes_.push_back({v.get(), it == auth.end() ? nullptr : it->second});
  }
}

route_table::route_table(std::vector<vdir_route> routes) : routes_(std::move(routes)) {
  std::stable_sort(routes_.begin(), routes_.end(), [](auto const& a, auto const& b) {
    return a.vdir->url().size() > b.vdir->url().size();
  });
}

vdir_route const* route_table::find(std::string_view path) const noexcept {
  for (auto const& r : routes_) {
    if (core::path_under_prefix(path, r.vdir->url())) return &r;
  }
  return nullptr;
}

}  // namespace bits::server
