// How requests to a virtual directory are authenticated: one policy object per
// directory, found with the directory when a request is resolved. The service sees only
// the principal it yields.
#pragma once

#include "core/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::server {

/// What a scheme keeps on one connection between requests: a scheme whose handshake
/// spans several requests binds it to the connection (NTLM). Owned by the connection;
/// dropped when a request of the connection goes to another authenticator.
class connection_auth_state {
 public:
  virtual ~connection_auth_state() = default;
};

/// One request as authentication sees it. Everything referred to outlives the call.
struct auth_request {
  core::request_head const& head;
  std::string_view remote;  ///< peer "address:port", for the log
  /// This connection's state for this authenticator: null until the scheme sets it.
  std::unique_ptr<connection_auth_state>& state;
  boost::asio::any_io_executor workers;  ///< where blocking checks (password hashes) run
};

/// The decision about one request.
struct auth_decision {
  std::optional<std::string> principal;  ///< set: the request proceeds as this user
  core::reply challenge;  ///< otherwise: the 401 (with its challenge) or 403 to answer
  /// With a principal: header fields for the response to this request, whatever its
  /// status (Negotiate's mutual-authentication token).
  std::vector<std::pair<std::string, std::string>> fields;
};

/// An authentication policy (one scheme, or several offered together). Implementations
/// are shared by every connection: thread-safe.
class authenticator {
 public:
  virtual ~authenticator() = default;

  /// Decides about `req` (validation step 2). Runs on the connection's loop; work that
  /// blocks runs on req.workers. Does not throw, except std::bad_alloc.
  [[nodiscard]] virtual boost::asio::awaitable<auth_decision> authenticate(auth_request req) = 0;

  /// Reloads what the policy reads from files (SIGHUP); bad new files leave the current
  /// ones in place. Logs the outcome, naming the directory `vdir`. Blocking file I/O.
  virtual void reload(std::string_view vdir) = 0;

  /// Bytes a request head may take on this directory when that is more than the
  /// server's max_header_bytes (Kerberos tickets of users in many groups); 0 = the
  /// server's limit.
  [[nodiscard]] virtual std::size_t max_header_bytes() const noexcept { return 0; }
};

}  // namespace bits::server
