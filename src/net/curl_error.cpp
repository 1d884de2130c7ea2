// The curl error categories and the transient/permanent split of CURLcode values.
#include "net/curl_error.hpp"

#include "core/error_category.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <initializer_list>

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

namespace {

// True when `ec` is one of libcurl's `codes`.
bool is_one_of(boost::system::error_code const& ec,
               std::initializer_list<CURLcode> codes) noexcept {
  return ec.category() == curl_category() &&
         std::find(codes.begin(), codes.end(), static_cast<CURLcode>(ec.value())) != codes.end();
}

}  // namespace

// The BITS client treats network trouble as transient and retries until its no-progress
// timeout (reference 4.6); only what cannot heal by waiting (TLS trust, bad URL,
// unsupported feature) is permanent. Name resolution counts as transient: a laptop that
// is offline cannot resolve anything either. A TLS connect error is also a handshake
// cut short by a dying server.
bool is_transient_transport_error(boost::system::error_code const& ec) noexcept {
  return is_one_of(
      ec, {CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT,
           CURLE_WEIRD_SERVER_REPLY, CURLE_PARTIAL_FILE, CURLE_OPERATION_TIMEDOUT,
           CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
           CURLE_AGAIN, CURLE_SSL_CONNECT_ERROR, CURLE_PROXY});
}

bool is_tls_error(boost::system::error_code const& ec) noexcept {
  return is_one_of(
      ec, {CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
           CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
           CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
           CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_CLIENTCERT});
}

bool is_timeout_error(boost::system::error_code const& ec) noexcept {
  return is_one_of(ec, {CURLE_OPERATION_TIMEDOUT});
}

// What the notification client answers 503 for: the application could not be reached.
bool is_unreachable_error(boost::system::error_code const& ec) noexcept {
  return is_one_of(
      ec, {CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY,
           CURLE_SSL_CONNECT_ERROR, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING});
}

bool is_aborted_by_callback(boost::system::error_code const& ec) noexcept {
  return is_one_of(ec, {CURLE_ABORTED_BY_CALLBACK});
}

}  // namespace bits::net
