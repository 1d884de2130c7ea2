// The curl error categories and the transient/permanent split of CURLcode values.
#include "net/curl_error.hpp"

#include "core/error_category.hpp"

#include <curl/curl.h>

namespace bits::net {

boost::system::error_category const& curl_category() noexcept {
  // curl_easy_strerror has a text for every value, unknown ones included.
  static core::enum_category<CURLcode> const instance{"curl", curl_easy_strerror, "curl error"};
  return instance;
}

boost::system::error_category const& curl_url_category() noexcept {
  static core::enum_category<CURLUcode> const instance{"curl-url", curl_url_strerror,
                                                       "curl URL error"};
  return instance;
}

boost::system::error_code make_curl_error(int curl_code) noexcept {
  return {curl_code, curl_category()};
}

boost::system::error_code make_curl_url_error(int curlu_code) noexcept {
  return {curlu_code, curl_url_category()};
}

// The BITS client treats network trouble as transient and retries until its no-progress
// timeout (reference 4.6); only what cannot heal by waiting (TLS trust, bad URL,
// unsupported feature) is permanent. Name resolution counts as transient: a laptop that
// is offline cannot resolve anything either.
bool is_transient_transport_error(boost::system::error_code const& ec) noexcept {
  if (ec.category() != curl_category()) return false;
  switch (static_cast<CURLcode>(ec.value())) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_AGAIN:
    case CURLE_SSL_CONNECT_ERROR:  // also a handshake cut short by a dying server
    case CURLE_PROXY:
      return true;
    default:
      return false;
  }
}

bool is_tls_error(boost::system::error_code const& ec) noexcept {
  if (ec.category() != curl_category()) return false;
  switch (static_cast<CURLcode>(ec.value())) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

bool is_timeout_error(boost::system::error_code const& ec) noexcept {
  return ec.category() == curl_category() && ec.value() == CURLE_OPERATION_TIMEDOUT;
}

bool is_unreachable_error(boost::system::error_code const& ec) noexcept {
  if (ec.category() != curl_category()) return false;
  switch (static_cast<CURLcode>(ec.value())) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return true;
    default:
      return false;
  }
}

bool is_aborted_by_callback(boost::system::error_code const& ec) noexcept {
  return ec.category() == curl_category() && ec.value() == CURLE_ABORTED_BY_CALLBACK;
}

}  // namespace bits::net
