// Driving a server context and a test client through a whole handshake, as an HTTP
// exchange would: client token -> server step -> reply token -> client, until done.
#pragma once

#include "auth/negotiate_context.hpp"
#include "negotiate/gss_initiator.hpp"

#include <string>

namespace bits::test {

struct handshake_outcome {
  /// The server's last step: its failure, or the completing step.
  auth::negotiate_result<auth::negotiate_step> last = auth::negotiate_step{};
  int server_steps = 0;
  /// The client accepted the server's final (mutual-authentication) token and reports
  /// its context complete.
  bool client_complete = false;
  std::string client_error;  ///< why the client stopped, if it did
};

/// Runs the handshake on `server` with `client` (at most 4 server steps).
[[nodiscard]] handshake_outcome run_handshake(auth::negotiate_context& server,
                                              gss_initiator& client);

}  // namespace bits::test
