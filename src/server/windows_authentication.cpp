// Negotiate/NTLM per connection, Basic alongside, the allow list after either.
#include "server/windows_authentication.hpp"

#include "auth/negotiate_header.hpp"
#include "core/message.hpp"
#include "server/run_blocking.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace bits::server {

namespace {

/// The connection's handshake and, once it completed, who it authenticated.
struct windows_connection final : connection_auth_state {
  std::optional<auth::negotiate_context> context;
  std::optional<std::string> principal;  ///< set once complete and allowed
  std::string refused;                   ///< set once complete and not allowed: the name
};

/// True when `value` starts with the scheme name `scheme` followed by a space (or ends).
bool has_scheme(std::string_view value, std::string_view scheme) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  if (value.size() < scheme.size() || !core::iequals(value.substr(0, scheme.size()), scheme)) {
    return false;
  }
  return value.size() == scheme.size() || value[scheme.size()] == ' ';
}

/// A name as the log shows it: 256 bytes at most, control bytes replaced.
std::string printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 256))
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  return out;
}

auth_decision forbidden(std::string const& name) {
  auth_decision d;
  d.challenge.status = 403;
  d.challenge.cause = "principal \"" + printable(name) + "\" is not in the allow list";
  return d;
}

}  // namespace

windows_authentication::windows_authentication(windows_auth_options options)
    : options_(std::move(options)) {
  if (options_.basic && options_.basic_first) challenges_.push_back(options_.basic->challenge());
  if (options_.acceptor && options_.negotiate) {
    challenges_.push_back(auth::negotiate_challenge(auth::negotiate_scheme::negotiate));
  }
  if (options_.acceptor && options_.ntlm) {
    challenges_.push_back(auth::negotiate_challenge(auth::negotiate_scheme::ntlm));
  }
  if (options_.basic && !options_.basic_first) challenges_.push_back(options_.basic->challenge());
}

auth_decision windows_authentication::challenge(std::string cause) const {
  auth_decision d;
  d.challenge.status = 401;
  for (auto const& value : challenges_) d.challenge.fields.emplace_back("WWW-Authenticate", value);
  d.challenge.cause = std::move(cause);
  return d;
}

bool windows_authentication::allowed(std::string const& name) const {
  return !options_.allow || options_.allow->allows(name);
}

boost::asio::awaitable<auth_decision> windows_authentication::authenticate(auth_request req) {
  auto const value = req.head.header("Authorization");
  auto* conn = dynamic_cast<windows_connection*>(req.state.get());

  if (value && options_.basic && has_scheme(*value, "Basic")) {
    auto decision = co_await options_.basic->authenticate(req);
    if (!decision.principal) co_return challenge("Basic: wrong or malformed credentials");
    if (!allowed(*decision.principal)) {
      spdlog::info("{} user \"{}\" is not in the allow list", req.remote,
                   printable(*decision.principal));
      co_return forbidden(*decision.principal);
    }
    co_return decision;
  }

  std::optional<auth::negotiate_credentials> creds;
  if (value && options_.acceptor) creds = auth::parse_negotiate_authorization(*value);
  bool const offered =
      creds &&
      (creds->scheme == auth::negotiate_scheme::negotiate ? options_.negotiate : options_.ntlm);
  if (!offered) {
    if (!value && conn != nullptr) {
      // An authenticated connection (NTLM's way, and Kerberos's too once completed).
      if (conn->principal) co_return auth_decision{conn->principal, {}, {}};
      if (!conn->refused.empty()) co_return forbidden(conn->refused);
    }
    std::string cause;
    if (value) cause = creds ? "scheme not offered here" : "Authorization not understood";
    co_return challenge(std::move(cause));
  }

  if (conn == nullptr) {
    req.state = std::make_unique<windows_connection>();
    conn = static_cast<windows_connection*>(req.state.get());
  }
  // A new handshake unless this token continues one of the same scheme.
  if (!conn->context || conn->context->state() != auth::negotiate_state::continue_needed ||
      conn->context->scheme() != creds->scheme) {
    conn->context = options_.acceptor->begin(creds->scheme);
    conn->principal.reset();
    conn->refused.clear();
  }
  auto& context = *conn->context;
  auto step = co_await run_blocking(req.workers, [&] { return context.step(creds->token); });
  auto const scheme = auth::scheme_name(creds->scheme);
  if (!step) {
    auto const why = step.error().describe();
    spdlog::info("{} {} authentication failed: {}", req.remote, scheme, why);
    conn->context.reset();
    co_return challenge(std::string(scheme) + ": " + why);
  }
  if (!step->complete) {
    auth_decision d;
    d.challenge.status = 401;
    d.challenge.fields.emplace_back("WWW-Authenticate",
                                    auth::negotiate_challenge(creds->scheme, step->reply_token));
    co_return d;
  }
  auto const* who = context.identity();
  if (!allowed(who->name)) {
    spdlog::info("{} {} principal \"{}\" ({}) is not in the allow list", req.remote, scheme,
                 printable(who->name), auth::mechanism_name(who->mechanism));
    conn->refused = who->name;
    co_return forbidden(who->name);
  }
  conn->principal = who->principal(options_.format);
  auth_decision d{conn->principal, {}, {}};
  if (!step->reply_token.empty()) {
    d.fields.emplace_back("WWW-Authenticate",
                          auth::negotiate_challenge(creds->scheme, step->reply_token));
  }
  co_return d;
}

void windows_authentication::reload(std::string_view vdir) {
  if (options_.basic) options_.basic->reload(vdir);
}

std::size_t windows_authentication::max_header_bytes() const noexcept {
  return options_.acceptor ? auth::max_negotiate_authorization_bytes + 16384 : 0;
}

}  // namespace bits::server
