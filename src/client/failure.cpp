// The client error category, the failure message and the exit-code table.
#include "client/failure.hpp"

#include "core/error_category.hpp"
#include "core/wire_error.hpp"
#include "net/curl_error.hpp"

#include <string>

namespace bits::client {
namespace {

char const* describe(errc e) noexcept {
  switch (e) {
    case errc::cancelled:
      return "cancelled";
    case errc::local_file_changed:
      return "the local file changed during the transfer";
    case errc::local_file_error:
      return "local file error";
    case errc::invalid_server_response:
      return "invalid server response";
    case errc::protocol_mismatch:
      return "no common protocol with the server";
    case errc::missing_file_size:
      return "the server did not send the file size";
    case errc::insufficient_range_support:
      return "the server ignores Range requests";
    case errc::remote_file_changed:
      return "the remote file changed during the download";
    case errc::server_error:
      return "server error";
    case errc::fragment_too_small:
      return "the server rejects even the smallest fragment (413)";
    case errc::no_reply_url:
      return "the server sent no BITS-Reply-URL (not an upload-reply URL?)";
    case errc::state_locked:
      return "another openbits process is running this job";
    case errc::state_invalid:
      return "unusable state file";
    case errc::invalid_url:
      return "not an absolute http or https URL";
    case errc::too_many_restarts:
      return "the server lost the upload session repeatedly";
    case errc::insufficient_http_support:
      return "the server lacks HTTP/1.1, which BITS uploads require";
  }
  return nullptr;
}

}  // namespace

boost::system::error_category const& client_category() noexcept {
  static core::enum_category<errc> const instance{"openbits", describe, "openbits error"};
  return instance;
}

// bitsmsg.h values (reference 4.4); the rest have no BITS equivalent.
std::optional<std::uint32_t> hresult_of(errc e) noexcept {
  switch (e) {
    case errc::local_file_changed:
      return core::hresult::local_file_changed;
    case errc::invalid_server_response:
    case errc::no_reply_url:
      return core::hresult::invalid_server_response;
    case errc::protocol_mismatch:
      return core::hresult::protocol_mismatch;
    case errc::missing_file_size:
      return 0x80200011u;
    case errc::insufficient_range_support:
      return 0x80200013u;
    case errc::insufficient_http_support:
      return 0x80200012u;
    default:
      return std::nullopt;
  }
}

std::string describe(failure const& f) {
  std::string out;
  if (f.hresult) {
    auto const name = core::hresult_name(*f.hresult);
    out = name.empty() ? std::string("HRESULT") : std::string(name);
    out += " (" + core::format_hresult(*f.hresult) + ")";
    if (f.ec && f.ec != make_error_code(errc::server_error) &&
        f.ec.category() == client_category()) {
      out += ": " + f.ec.message();
    }
  } else if (f.ec) {
    out = f.ec.message();
    if (f.ec.category() == net::curl_category())
      out += " (curl " + std::to_string(f.ec.value()) + ")";
  } else {
    out = "failed";
  }
  if (f.context) out += ", context " + core::format_error_context(*f.context);
  if (f.http_status != 0) out += ", HTTP " + std::to_string(f.http_status);
  if (!f.where.empty()) out += ", " + f.where;
  if (!f.detail.empty()) out += "; " + f.detail;
  return out;
}

int exit_code_of(failure const& f) noexcept {
  if (f.ec.category() == client_category()) {
    switch (static_cast<errc>(f.ec.value())) {
      case errc::cancelled:
        return exit_code::interrupted;
      case errc::local_file_changed:
      case errc::local_file_error:
        return exit_code::local_file;
      case errc::state_locked:
      case errc::state_invalid:
      case errc::invalid_url:
        return exit_code::usage;
      case errc::invalid_server_response:
      case errc::protocol_mismatch:
      case errc::missing_file_size:
      case errc::insufficient_range_support:
      case errc::no_reply_url:
      case errc::insufficient_http_support:
        return exit_code::protocol;
      case errc::remote_file_changed:
      case errc::server_error:
      case errc::fragment_too_small:
      case errc::too_many_restarts:
        return f.transient ? exit_code::gave_up : exit_code::refused;
    }
    return exit_code::internal;
  }
  if (net::is_tls_error(f.ec) && !f.transient) return exit_code::tls;
  if (f.transient) return exit_code::gave_up;
  if (f.ec.category() == net::curl_url_category()) return exit_code::usage;
  if (f.ec.category() == boost::system::system_category() ||
      f.ec.category() == boost::system::generic_category()) {
    return exit_code::local_file;
  }
  return exit_code::internal;
}

}  // namespace bits::client
