// http_session on a libcurl easy handle. Options that hold for the whole job are set
// once; method, URL, headers and body are set per request, so keep-alive connections and
// the negotiated authentication scheme survive from one BITS packet to the next.
#include "net/http_session.hpp"

#include "net/curl_error.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <string_view>

namespace bits::net {
namespace {

constexpr std::size_t kept_body_bytes = 4096;
constexpr long transfer_buffer_bytes = 512 * 1024;

struct curl_deleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using curl_ptr = std::unique_ptr<CURL, curl_deleter>;
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The version of the final response's status line (the client refuses HTTP/1.0 for
// BITS packets, reference 4.4).
unsigned http_version_of(CURL* h) {
  long version = 0;
  if (curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version) != CURLE_OK) return 0;
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return 10;
    case CURL_HTTP_VERSION_1_1:
      return 11;
    case CURL_HTTP_VERSION_2_0:
      return 20;
    case CURL_HTTP_VERSION_3:
      return 30;
    default:
      return 0;
  }
}

}  // namespace

// curl_global_init is not thread-safe and must run once per process.
boost::system::error_code global_init() {
  static CURLcode const rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc == CURLE_OK ? boost::system::error_code{} : make_curl_error(rc);
}

struct http_session::impl {
  curl_ptr handle;
  http_options options;

  // State of the request in flight.
  request const* req = nullptr;
  std::uint64_t body_position = 0;  // bytes of the body handed to curl so far
  response* resp = nullptr;
  progress_hook const* hook = nullptr;
  unsigned generation = 0;          // counts status lines: a new one resets the headers
  unsigned decided_generation = 0;  // generation the sink decision was made for
  body_decision decision = body_decision::discard;
  boost::system::error_code sink_error;
  boost::system::error_code read_error;

  static std::size_t on_read(char* buf, std::size_t size, std::size_t n, void* self) noexcept;
  static int on_seek(void* self, curl_off_t offset, int origin) noexcept;
  static std::size_t on_header(char* buf, std::size_t size, std::size_t n, void* self) noexcept;
  static std::size_t on_write(char* buf, std::size_t size, std::size_t n, void* self) noexcept;
  static int on_progress(void* self, curl_off_t, curl_off_t dlnow, curl_off_t,
                         curl_off_t ulnow) noexcept;

  CURLcode apply_session_options();
  CURLcode apply_callbacks();
  CURLcode apply_request_options(request const& r, curl_slist* headers);
  [[nodiscard]] slist_ptr build_headers(request const& r) const;
};

// Streams the fragment straight from the file into curl's buffer: no copy of the
// fragment is ever held in memory.
std::size_t http_session::impl::on_read(char* buf, std::size_t size, std::size_t n,
                                        void* self) noexcept {
  auto* s = static_cast<impl*>(self);
  auto const& r = *s->req;
  std::uint64_t const left = r.body_length - s->body_position;
  std::size_t const want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * n));
  if (want == 0) return 0;
  if (r.body == nullptr) return CURL_READFUNC_ABORT;
  auto got = r.body->read_at(r.body_offset + s->body_position, std::span<char>(buf, want));
  if (!got) {
    s->read_error = got.error();
    return CURL_READFUNC_ABORT;
  }
  if (*got == 0) {  // the file is shorter than promised: never send a short body
    s->read_error = make_curl_error(CURLE_READ_ERROR);
    return CURL_READFUNC_ABORT;
  }
  s->body_position += *got;
  return *got;
}

// libcurl rewinds the body when it must send the request again, e.g. after a 401
// challenge for Digest/NTLM authentication.
int http_session::impl::on_seek(void* self, curl_off_t offset, int origin) noexcept {
  auto* s = static_cast<impl*>(self);
  if (origin != SEEK_SET || offset < 0 ||
      static_cast<std::uint64_t>(offset) > s->req->body_length) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  s->body_position = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t http_session::impl::on_header(char* buf, std::size_t size, std::size_t n,
                                          void* self) noexcept {
  auto* s = static_cast<impl*>(self);
  std::string_view const line(buf, size * n);
  if (line.starts_with("HTTP/")) {  // a new response (interim, challenge or redirect)
    ++s->generation;
    s->resp->headers.clear();
    return size * n;
  }
  auto const colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return size * n;
  s->resp->headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                std::string(trim(line.substr(colon + 1))));
  return size * n;
}

std::size_t http_session::impl::on_write(char* buf, std::size_t size, std::size_t n,
                                         void* self) noexcept {
  auto* s = static_cast<impl*>(self);
  std::size_t const bytes = size * n;
  if (s->decided_generation != s->generation) {
    s->decided_generation = s->generation;
    s->resp->body.clear();
    s->resp->body_bytes = 0;
    long code = 0;
    curl_easy_getinfo(s->handle.get(), CURLINFO_RESPONSE_CODE, &code);
    s->decision = s->req->sink == nullptr
                      ? body_decision::discard
                      : s->req->sink->start(static_cast<unsigned>(code), s->resp->headers);
  }
  s->resp->body_bytes += bytes;
  switch (s->decision) {
    case body_decision::abort:
      s->resp->aborted_by_sink = true;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    case body_decision::discard: {
      std::size_t const keep = std::min(bytes, kept_body_bytes - s->resp->body.size());
      s->resp->body.append(buf, keep);
      return bytes;
    }
    case body_decision::accept:
      break;
  }
  if (auto ec = s->req->sink->write(std::span<char const>(buf, bytes)); ec) {
    s->sink_error = ec;
    return 0;
  }
  return bytes;
}

int http_session::impl::on_progress(void* self, curl_off_t, curl_off_t dlnow, curl_off_t,
                                    curl_off_t ulnow) noexcept {
  auto* s = static_cast<impl*>(self);
  if (s->hook == nullptr || !*s->hook) return 0;
  bool const go_on =
      (*s->hook)(static_cast<std::uint64_t>(ulnow), static_cast<std::uint64_t>(dlnow));
  return go_on ? 0 : 1;
}

CURLcode http_session::impl::apply_session_options() {
  CURL* h = handle.get();
  auto const& o = options;
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, value);
  };
  set(CURLOPT_NOSIGNAL, 1L);  // we are multi-threaded; no SIGALRM for DNS timeouts
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  set(CURLOPT_MAXREDIRS, 10L);
  // BITS is HTTP/1.1 (reference 2.1); no HTTP/2 through ALPN unless asked for.
  set(CURLOPT_HTTP_VERSION,
      static_cast<long>(o.allow_http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count() * 1000));
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(o.response_timeout.count()));
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_BUFFERSIZE, transfer_buffer_bytes);
  set(CURLOPT_UPLOAD_BUFFERSIZE, transfer_buffer_bytes);
  set(CURLOPT_USERAGENT, o.user_agent.c_str());
  set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  if (!o.ca_file.empty()) set(CURLOPT_CAINFO, o.ca_file.c_str());
  if (o.insecure) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (o.auth == auth_mode::negotiate) {
    set(CURLOPT_USERPWD, ":");
    set(CURLOPT_HTTPAUTH, CURLAUTH_NEGOTIATE);
  } else if (o.auth == auth_mode::ntlm) {
    set(CURLOPT_USERPWD, o.credentials.c_str());
    set(CURLOPT_HTTPAUTH, CURLAUTH_NTLM);
  } else if (!o.credentials.empty()) {
    set(CURLOPT_USERPWD, o.credentials.c_str());
    set(CURLOPT_HTTPAUTH, o.auth == auth_mode::basic ? CURLAUTH_BASIC : CURLAUTH_ANY);
  } else if (o.auth == auth_mode::any) {
    // No password: Negotiate is the one scheme that needs none (GSS-API credentials from
    // the Kerberos ticket cache, or gss-ntlmssp's), as `curl --negotiate -u :` does.
    set(CURLOPT_USERPWD, ":");
    set(CURLOPT_HTTPAUTH, CURLAUTH_NEGOTIATE);
  }
  if (!o.proxy.empty()) set(CURLOPT_PROXY, o.proxy.c_str());
  set(CURLOPT_PROXYAUTH, CURLAUTH_ANY);
  if (o.max_send_speed > 0) {
    set(CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(o.max_send_speed));
  }
  if (o.max_recv_speed > 0) {
    set(CURLOPT_MAX_RECV_SPEED_LARGE, static_cast<curl_off_t>(o.max_recv_speed));
  }
  set(CURLOPT_VERBOSE, o.trace ? 1L : 0L);
  if (rc == CURLE_OK) rc = apply_callbacks();
  return rc;
}

CURLcode http_session::impl::apply_callbacks() {
  CURL* h = handle.get();
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, value);
  };
  set(CURLOPT_READFUNCTION, &impl::on_read);
  set(CURLOPT_READDATA, this);
  set(CURLOPT_SEEKFUNCTION, &impl::on_seek);
  set(CURLOPT_SEEKDATA, this);
  set(CURLOPT_HEADERFUNCTION, &impl::on_header);
  set(CURLOPT_HEADERDATA, this);
  set(CURLOPT_WRITEFUNCTION, &impl::on_write);
  set(CURLOPT_WRITEDATA, this);
  set(CURLOPT_XFERINFOFUNCTION, &impl::on_progress);
  set(CURLOPT_XFERINFODATA, this);
  set(CURLOPT_NOPROGRESS, 0L);
  return rc;
}

slist_ptr http_session::impl::build_headers(request const& r) const {
  curl_slist* list = nullptr;
  auto add = [&list](std::string const& line) {
    if (curl_slist* next = curl_slist_append(list, line.c_str()); next != nullptr) list = next;
  };
  for (auto const& [name, value] : r.headers) add(name + ": " + value);
  // Windows never sends Expect: 100-continue and waiting for 100 costs a round trip per
  // fragment; servers must drain or close on an early answer anyway (reference 2.1).
  add("Expect:");
  bool const bodied_method = r.method != "GET" && r.method != "HEAD";
  if (bodied_method) add("Content-Type:");  // libcurl's form default means nothing here
  for (auto const& line : options.extra_headers) add(line);
  return slist_ptr(list);
}

CURLcode http_session::impl::apply_request_options(request const& r, curl_slist* headers) {
  CURL* h = handle.get();
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption opt, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, value);
  };
  set(CURLOPT_URL, r.url.c_str());
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  // NOBODY first: clearing it after HEAD switches the method back to GET, which the
  // options below then override.
  set(CURLOPT_NOBODY, r.method == "HEAD" ? 1L : 0L);
  if (r.method == "HEAD" || r.method == "GET") {
    if (r.method == "GET") set(CURLOPT_HTTPGET, 1L);
    set(CURLOPT_CUSTOMREQUEST, static_cast<char const*>(nullptr));
    set(CURLOPT_FOLLOWLOCATION, 1L);
  } else {
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDS, static_cast<char const*>(nullptr));
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body_length));
    set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
    set(CURLOPT_FOLLOWLOCATION, 0L);
  }
  return rc;
}

http_session::http_session(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
http_session::~http_session() = default;

result<std::unique_ptr<http_session>> http_session::create(http_options const& options) {
  if (auto const ec = global_init()) return ec;
  auto p = std::make_unique<impl>();
  p->handle.reset(curl_easy_init());
  if (!p->handle) return make_curl_error(CURLE_FAILED_INIT);
  p->options = options;
  if (CURLcode const rc = p->apply_session_options(); rc != CURLE_OK) return make_curl_error(rc);
  return std::unique_ptr<http_session>(new http_session(std::move(p)));
}

result<response> http_session::perform(request const& req, progress_hook const& hook) {
  impl& s = *impl_;
  response resp;
  s.req = &req;
  s.resp = &resp;
  s.hook = &hook;
  s.body_position = 0;
  s.generation = 0;
  s.decided_generation = 0;
  s.sink_error = {};
  s.read_error = {};
  slist_ptr headers = s.build_headers(req);
  CURLcode rc = s.apply_request_options(req, headers.get());
  if (rc == CURLE_OK) rc = curl_easy_perform(s.handle.get());
  curl_easy_setopt(s.handle.get(), CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  s.req = nullptr;
  s.resp = nullptr;
  s.hook = nullptr;
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && resp.aborted_by_sink)) {
    if (s.sink_error) return s.sink_error;
    if (s.read_error) return s.read_error;
    return make_curl_error(rc);
  }
  long code = 0;
  curl_easy_getinfo(s.handle.get(), CURLINFO_RESPONSE_CODE, &code);
  resp.status = static_cast<unsigned>(code);
  curl_off_t micros = 0;
  curl_easy_getinfo(s.handle.get(), CURLINFO_TOTAL_TIME_T, &micros);
  resp.elapsed = std::chrono::microseconds(micros);
  resp.http_version = http_version_of(s.handle.get());
  return resp;
}

}  // namespace bits::net
