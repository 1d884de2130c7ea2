// The virtual directories as the front sees them: each directory's service with the
// policy that authenticates requests to it.
#pragma once

#include "server/authenticator.hpp"
#include "service/router.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bits::server {

/// Authentication policies by virtual directory URL prefix ("/up/"); a directory not
/// named here is anonymous.
using authenticators = std::map<std::string, std::shared_ptr<authenticator>, std::less<>>;

/// One virtual directory: where its requests go and who may make them.
struct vdir_route {
  service::upload_service* vdir = nullptr;
  std::shared_ptr<authenticator> auth;  ///< null: anonymous access
};

class route_table {
 public:
  /// Every directory of `router`, with its policy from `auth`.
  route_table(service::router const& router, authenticators const& auth);

  /// The directories `routes` (any order).
  explicit route_table(std::vector<vdir_route> routes);

  /// The route whose prefix covers decoded `path` (longest match), or null.
  [[nodiscard]] vdir_route const* find(std::string_view path) const noexcept;

  /// Every route, longest prefix first.
  [[nodiscard]] std::vector<vdir_route> const& routes() const noexcept { return routes_; }

 private:
  std::vector<vdir_route> routes_;  ///< longest prefix first
};

}  // namespace bits::server
