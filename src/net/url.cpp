// URL helpers on curl_url(): no URL parser of our own.
#include "net/url.hpp"

#include "core/number_text.hpp"
#include "net/curl_error.hpp"

#include <curl/curl.h>

#include <memory>

namespace bits::net {
namespace {

struct url_deleter {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
using url_ptr = std::unique_ptr<CURLU, url_deleter>;

struct curl_text {
  char* p = nullptr;
  ~curl_text() { curl_free(p); }
};

result<url_ptr> parse(std::string_view url, unsigned flags = 0) {
  url_ptr u(curl_url());
  if (!u) return make_curl_url_error(CURLUE_OUT_OF_MEMORY);
  std::string const text(url);
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), flags); rc != CURLUE_OK) {
    return make_curl_url_error(rc);
  }
  curl_text scheme;
  if (CURLUcode rc = curl_url_get(u.get(), CURLUPART_SCHEME, &scheme.p, 0); rc != CURLUE_OK) {
    return make_curl_url_error(rc);
  }
  std::string_view const s(scheme.p);
  if (s != "http" && s != "https") return make_curl_url_error(CURLUE_UNSUPPORTED_SCHEME);
  return u;
}

result<std::string> get_url(CURLU* u) {
  curl_text out;
  if (CURLUcode rc = curl_url_get(u, CURLUPART_URL, &out.p, 0); rc != CURLUE_OK) {
    return make_curl_url_error(rc);
  }
  return std::string(out.p);
}

// Percent-encodes what RFC 3986 does not allow anywhere in a URL (braces, spaces,
// quotes, non-ASCII, ...), leaving existing %XX escapes and all delimiters alone; this
// is what Windows does to IIS's "{id}" reply paths (reference 7.5).
std::string encode_unsafe(std::string_view text) {
  static constexpr std::string_view allowed =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%";
  return core::percent_encode(text,
                              [](char c) { return allowed.find(c) != std::string_view::npos; });
}

}  // namespace

result<std::string> normalize_url(std::string_view url) {
  // No default scheme: "example.com/x" is a mistake, not an http URL.
  auto u = parse(url);
  if (!u) return u.error();
  return get_url(u->get());
}

result<std::string> replace_host(std::string_view url, std::string_view host) {
  auto u = parse(url);
  if (!u) return u.error();
  std::string h(host);
  // The header carries a bare IPv6 literal at best (reference 8); URLs need brackets.
  if (h.find(':') != std::string::npos && !h.starts_with("[")) h = "[" + h + "]";
  if (CURLUcode rc = curl_url_set(u->get(), CURLUPART_HOST, h.c_str(), 0); rc != CURLUE_OK) {
    return make_curl_url_error(rc);
  }
  return get_url(u->get());
}

result<std::string> resolve_reference(std::string_view base, std::string_view reference) {
  auto u = parse(base);
  if (!u) return u.error();
  std::string const ref = encode_unsafe(reference);
  // Setting a relative URL on a handle that holds one resolves it (RFC 3986 5.2).
  if (CURLUcode rc = curl_url_set(u->get(), CURLUPART_URL, ref.c_str(), 0); rc != CURLUE_OK) {
    return make_curl_url_error(rc);
  }
  return get_url(u->get());
}

}  // namespace bits::net
