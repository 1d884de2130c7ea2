// Basic: parse the Authorization header, check the cache inline, hash off the loop.
#include "server/basic_authentication.hpp"

#include "auth/basic_header.hpp"
#include "server/run_blocking.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace bits::server {

namespace {

/// The user name as the log shows it: 64 bytes at most, control bytes replaced.
std::string printable_user(std::string_view user) {
  std::string out;
  for (char c : user.substr(0, 64))
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  return out;
}

}  // namespace

basic_authentication::basic_authentication(auth::htpasswd users, std::string const& realm)
    : verifier_(std::move(users)), challenge_(auth::challenge(realm)) {}

boost::asio::awaitable<auth_decision> basic_authentication::authenticate(auth_request req) {
  std::optional<auth::basic_credentials> creds;
  if (auto value = req.head.header("Authorization")) {
    creds = auth::parse_basic_authorization(*value);
  }
  if (creds) {
    bool ok = verifier_.lookup_cache(creds->user, creds->password);
    if (!ok) {
      ok = co_await run_blocking(
          req.workers, [&] { return verifier_.verify_slow(creds->user, creds->password); });
    }
    if (ok) co_return auth_decision{std::move(creds->user), {}, {}};
    spdlog::info("{} authentication failed for user \"{}\"", req.remote,
                 printable_user(creds->user));
  }
  auth_decision refused;
  refused.challenge.status = 401;
  refused.challenge.set("WWW-Authenticate", challenge_);
  co_return refused;
}

void basic_authentication::reload(std::string_view vdir) {
  std::string const path = verifier_.source();
  std::vector<std::string> problems;
  if (auto ec = verifier_.reload(path, problems)) {
    for (auto const& p : problems) spdlog::error("vdir {}: {}", vdir, p);
    spdlog::error("SIGHUP: keeping the old users of {}: {}", vdir, ec.message());
  } else {
    spdlog::info("SIGHUP: reloaded {}", path);
  }
}

}  // namespace bits::server
