// The handshake loop for tests.
#include "negotiate/handshake.hpp"

#include "auth/base64.hpp"

namespace bits::test {

handshake_outcome run_handshake(auth::negotiate_context& server, gss_initiator& client) {
  handshake_outcome out;
  std::string reply;
  for (int round = 0; round < 4; ++round) {
    auto token = client.step(reply);
    if (!token) {
      out.client_error = client.error();
      return out;
    }
    if (token->empty()) break;  // the client has nothing more to say
    out.last = server.step(*token);
    ++out.server_steps;
    if (!out.last) return out;
    auto decoded = auth::decode_base64_strict(out.last->reply_token);
    reply = decoded ? *decoded : std::string();
    if (out.last->complete) {
      if (!reply.empty()) {
        auto final_token = client.step(reply);
        if (!final_token) out.client_error = client.error();
      }
      break;
    }
  }
  out.client_complete = client.complete();
  return out;
}

}  // namespace bits::test
