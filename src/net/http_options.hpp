// How an http_session talks HTTP: TLS trust, credentials, extra headers, timeouts and
// rate limits. Proxies come from the environment (http_proxy, https_proxy, no_proxy),
// as libcurl reads them, unless `proxy` is set.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace bits::net {

/// Which authentication schemes may answer a 401 from the server (a proxy's 407 is
/// always answered with whatever it offers).
enum class auth_mode {
  basic,  ///< Basic only, sent up front (no extra round trip); needs credentials
  /// Whatever the server's challenge offers and libcurl supports (CURLAUTH_ANY:
  /// Negotiate, NTLM, Digest, Basic), nothing sent before the challenge. Without
  /// credentials: Negotiate only, with the GSS-API credentials of the process (the
  /// Kerberos ticket cache from kinit).
  any,
  /// HTTP Negotiate (SPNEGO) only, with the GSS-API credentials of the process: the
  /// Kerberos ticket cache (KRB5CCNAME), or gss-ntlmssp's NTLM credentials
  /// (NTLM_USER_FILE, NTLMUSER) when there is no ticket. `credentials` is not used.
  negotiate,
  /// NTLM only (libcurl's own NTLM), with `credentials` as "DOMAIN\user:password".
  ntlm,
};

struct http_options {
  /// "user:password" for the server; empty = no credentials (see auth_mode::any).
  std::string credentials;
  auth_mode auth = auth_mode::basic;
  /// "Name: value" lines added to every request (after the protocol's own).
  std::vector<std::string> extra_headers;
  /// PEM bundle to trust instead of the system's CAs; empty = system store.
  std::string ca_file;
  /// Skip TLS certificate and host name verification (testing only).
  bool insecure = false;
  /// Explicit proxy URL; empty = http_proxy/https_proxy/no_proxy from the environment.
  std::string proxy;
  /// Time allowed to establish a connection (TCP + TLS).
  std::chrono::seconds connect_timeout{30};
  /// A transfer fails when fewer than one byte per second moves for this long: the
  /// response timeout of reference 13 (5 minutes), also covering a stalled upload.
  std::chrono::seconds response_timeout{300};
  /// Upper bound on upload / download speed in bytes per second; 0 = unlimited.
  std::uint64_t max_send_speed = 0;
  std::uint64_t max_recv_speed = 0;
  /// User-Agent header.
  std::string user_agent = "openbits/0.1";
  /// libcurl's own trace of every exchange on stderr.
  bool trace = false;
  /// Offer HTTP/2 to https servers (ALPN), as libcurl does by default. Off for BITS,
  /// which is HTTP/1.1 (reference 2.1); other HTTP calls may turn it on.
  bool allow_http2 = false;
};

}  // namespace bits::net
