// libcurl's result codes as boost::system::error_code values, and which of them a
// retrying client should treat as transient. The header does not include curl.
#pragma once

#include <boost/system/error_code.hpp>

namespace bits::net {

/// Category of CURLcode values; name "curl", message from curl_easy_strerror.
[[nodiscard]] boost::system::error_category const& curl_category() noexcept;

/// Category of CURLUcode values (URL parsing); name "curl-url".
[[nodiscard]] boost::system::error_category const& curl_url_category() noexcept;

/// A CURLcode as an error_code (0 gives a success code).
[[nodiscard]] boost::system::error_code make_curl_error(int curl_code) noexcept;

/// A CURLUcode as an error_code.
[[nodiscard]] boost::system::error_code make_curl_url_error(int curlu_code) noexcept;

/// True for transport failures that may go away by themselves: connection refused or
/// reset, name resolution, timeouts, a connection closed before the response, send and
/// receive errors. False for everything else (TLS certificate problems, bad URLs,
/// unsupported protocols, local errors) and for codes of other categories.
[[nodiscard]] bool is_transient_transport_error(boost::system::error_code const& ec) noexcept;

/// True for failures of TLS setup or verification (certificate, handshake).
[[nodiscard]] bool is_tls_error(boost::system::error_code const& ec) noexcept;

/// True for a timeout of the transfer (CURLE_OPERATION_TIMEDOUT).
[[nodiscard]] bool is_timeout_error(boost::system::error_code const& ec) noexcept;

/// True when no answer could be had from the peer: name or proxy resolution,
/// connection, TLS handshake, send or receive failures, or a connection closed before
/// any response.
[[nodiscard]] bool is_unreachable_error(boost::system::error_code const& ec) noexcept;

/// True when the transfer was stopped by our own progress callback.
[[nodiscard]] bool is_aborted_by_callback(boost::system::error_code const& ec) noexcept;

}  // namespace bits::net
