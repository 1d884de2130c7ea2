// URL rules and error mapping of server-application notifications.
#include "service/notification.hpp"

#include "core/number_text.hpp"
#include "core/protocol.hpp"
#include "core/wire_error.hpp"

namespace bits::service {

namespace {

bool is_plain_host(std::string_view host) noexcept {
  if (host.empty() || host.size() > 300) return false;
  for (char c : host) {
    bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || core::is_digit(c) ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string encode_query(std::string_view q) {
  return core::percent_encode(q, [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && c != '#';
  });
}

}  // namespace

std::string absolute_url(std::string_view scheme, std::string_view host, std::string_view target) {
  if (!is_plain_host(host)) return std::string(target);
  return std::string(scheme) + "://" + std::string(host) + std::string(target);
}

std::string resolve_notification_url(std::string_view configured, std::string_view scheme,
                                     std::string_view host, std::string_view target) {
  auto const q = target.find('?');
  std::string_view const path = target.substr(0, q);
  std::string url;
  if (configured.find("://") != std::string_view::npos) {
    url = configured;
  } else if (!configured.empty() && configured.front() == '/') {
    url = absolute_url(scheme, host, configured);
  } else {
    auto const slash = path.rfind('/');
    url = absolute_url(scheme, host, path.substr(0, slash + 1)) + std::string(configured);
  }
  if (q != std::string_view::npos && q + 1 < target.size()) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += encode_query(target.substr(q + 1));
  }
  return url;
}

core::reply application_error_ack(notification_response const& r) {
  using outcome = notification_response::outcome;
  unsigned status = r.status;
  switch (r.what) {
    case outcome::unreachable:
      status = 503;
      break;
    case outcome::timed_out:
      status = 408;
      break;
    case outcome::malformed:
      status = 400;
      break;
    case outcome::failed:
    case outcome::ok:
      break;
  }
  if (status < 400 || status > 599) status = 500;  // a 3xx or odd status is a failure too
  core::reply rep = core::make_ack(status);
  std::uint32_t code = core::hresult::http_error_base + status;
  if (r.what == outcome::failed && r.app_error) code = *r.app_error;
  if (r.what == outcome::malformed) code = core::hresult::e_invalidarg;
  rep.set(core::header::error_code, core::format_hresult(code));
  rep.set(core::header::error_context,
          core::format_error_context(core::error_context::remote_application));
  return rep;
}

}  // namespace bits::service
