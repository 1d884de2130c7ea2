// The S3 client: request building and signing, the easy-handle pool, one exchange over
// libcurl, error mapping and the retry loop. Operations are thin wrappers at the end.
#include "s3/client.hpp"

#include "core/byte_ranges.hpp"
#include "core/number_text.hpp"
#include "s3/sigv4.hpp"
#include "s3/xml.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

namespace bits::s3 {

namespace {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// One request as the operations describe it.
struct request {
  char const* method = "GET";
  std::string_view key;  ///< empty: the bucket itself
  header_list query;     ///< decoded
  header_list headers;   ///< besides host, x-amz-date, x-amz-content-sha256
  std::span<std::byte const> body;
  body_sink const* sink = nullptr;  ///< 2xx bodies go here instead of into `body`
  /// May be sent again after a transient failure.
  bool idempotent = true;
};

/// One response (any status).
struct response {
  long status = 0;
  header_list headers;  ///< names in lower case
  std::string body;     ///< error bodies always; 2xx bodies unless a sink took them
  bool sink_used = false;

  [[nodiscard]] std::string header(std::string_view name) const {
    for (auto const& [n, v] : headers) {
      if (n == name) return v;
    }
    return {};
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view s) {
  auto const first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto const last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

/// Where a request goes: scheme://authority and the bucket's path prefix.
struct endpoint_parts {
  std::string scheme;     ///< "http" or "https"
  std::string authority;  ///< host[:port] as configured
};

std::optional<endpoint_parts> split_endpoint(std::string_view e) {
  auto const sep = e.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  endpoint_parts p{lower(e.substr(0, sep)), std::string(e.substr(sep + 3))};
  if (p.scheme != "http" && p.scheme != "https") return std::nullopt;
  if (!p.authority.empty() && p.authority.back() == '/') p.authority.pop_back();
  if (p.authority.empty() || p.authority.find_first_of("/?#@ ") != std::string::npos) {
    return std::nullopt;
  }
  return p;
}

failure transport_failure(CURLcode rc, char const* errbuf) {
  failure f;
  f.kind = errc::unreachable;
  f.code = "curl " + std::to_string(static_cast<int>(rc));
  f.message = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  return f;
}

/// The failure a non-2xx response stands for.
failure response_failure(response const& r) {
  failure f;
  f.http_status = static_cast<int>(r.status);
  f.request_id = r.header("x-amz-request-id");
  if (auto e = detail::parse_error(r.body)) {
    f.code = e->code;
    f.message = e->message;
    if (!e->request_id.empty()) f.request_id = e->request_id;
  }
  auto const s = r.status;
  if (f.code == "SlowDown" || s == 429) {
    f.kind = errc::throttled;
  } else if (s >= 500) {
    f.kind = errc::server_error;
  } else if (s == 401 || s == 403) {
    f.kind = errc::auth_failed;
  } else if (s == 404) {
    f.kind = f.code == "NoSuchBucket"   ? errc::no_such_bucket
             : f.code == "NoSuchUpload" ? errc::no_such_upload
                                        : errc::no_such_key;
  } else if (s == 412) {
    f.kind = errc::precondition_failed;
  } else if (s == 416) {
    f.kind = errc::range_not_satisfiable;
  } else if (f.code == "RequestTimeout") {
    f.kind = errc::unreachable;  // the store gave up waiting for our bytes
  } else {
    f.kind = errc::rejected;
  }
  if (f.code.empty() && f.kind == errc::no_such_key) f.code = "NoSuchKey";
  return f;
}

/// Whether a request that failed this way surely never reached the store.
bool never_sent(failure const& f) {
  return f.http_status == 0 &&
         (f.code == "curl " + std::to_string(static_cast<int>(CURLE_COULDNT_CONNECT)) ||
          f.code == "curl " + std::to_string(static_cast<int>(CURLE_COULDNT_RESOLVE_HOST)));
}

struct transfer_state {
  std::span<std::byte const> upload;
  std::size_t sent = 0;
  response* res = nullptr;
  body_sink const* sink = nullptr;
  bool sink_stopped = false;
};

std::size_t read_cb(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<transfer_state*>(user);
  std::size_t const want = std::min(size * n, st->upload.size() - st->sent);
  std::memcpy(buf, st->upload.data() + st->sent, want);
  st->sent += want;
  return want;
}

int seek_cb(void* user, curl_off_t offset, int origin) {
  auto* st = static_cast<transfer_state*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > st->upload.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  st->sent = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t header_cb(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<transfer_state*>(user);
  std::string_view const line(buf, size * n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a 100 Continue, say): forget the previous one's headers.
    st->res->headers.clear();
    auto const sp = line.find(' ');
    auto const status = sp == std::string_view::npos
                            ? std::nullopt
                            : core::parse_decimal_u64(line.substr(sp + 1, 3));
    st->res->status = static_cast<long>(status.value_or(0));
    return size * n;
  }
  auto const colon = line.find(':');
  if (colon != std::string_view::npos) {
    st->res->headers.emplace_back(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return size * n;
}

std::size_t write_cb(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<transfer_state*>(user);
  std::size_t const len = size * n;
  bool const ok = st->res->status >= 200 && st->res->status < 300;
  if (ok && st->sink != nullptr) {
    st->res->sink_used = true;
    if (!(*st->sink)(std::as_bytes(std::span{buf, len}))) {
      st->sink_stopped = true;
      return 0;  // aborts the transfer
    }
    return len;
  }
  // Error bodies are small XML; cap them so a misbehaving server cannot fill memory.
  if (!ok && st->res->body.size() > (1U << 20)) return len;
  st->res->body.append(buf, len);
  return len;
}

std::string hex_md5(std::span<std::byte const> data, std::array<unsigned char, 16>* raw) {
  std::array<unsigned char, 16> d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_md5(), nullptr);
  if (raw != nullptr) *raw = d;
  return core::format_hex_bytes(d, core::hex_case::lower);
}

object_info info_of(response const& r) {
  object_info info;
  info.etag = r.header("etag");
  if (auto lm = core::parse_http_date(r.header("last-modified"))) info.last_modified = *lm;
  auto const cr = r.header("content-range");  // "bytes 0-9/123"
  std::string const len =
      cr.empty() ? r.header("content-length")
                 : cr.substr(cr.find('/') == std::string::npos ? cr.size() : cr.find('/') + 1);
  info.size = core::parse_decimal_u64(len).value_or(0);
  return info;
}

}  // namespace

struct client::impl {
  client_options opt;
  endpoint_parts ep;
  std::mutex mu;
  std::vector<CURL*> idle;
  std::mutex rng_mu;
  std::minstd_rand rng{std::random_device{}()};

  curl_slist* resolve = nullptr;

  ~impl() {
    for (CURL* h : idle) curl_easy_cleanup(h);
    curl_slist_free_all(resolve);
  }

  CURL* borrow() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl_easy_reset(h);  // keeps the live connection
        return h;
      }
    }
    return curl_easy_init();
  }

  void give_back(CURL* h) {
    std::lock_guard lock(mu);
    if (idle.size() < opt.max_idle_handles) {
      idle.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

  [[nodiscard]] std::string host() const {
    return opt.virtual_host ? opt.bucket + "." + ep.authority : ep.authority;
  }

  [[nodiscard]] std::string path(std::string_view key) const {
    std::string p = opt.virtual_host ? "/" : "/" + uri_encode(opt.bucket, false);
    if (!key.empty()) {
      if (!opt.virtual_host) p += '/';
      p += uri_encode(key, true);
    }
    return p;
  }

  /// Sends `req` once. A response of any status is a value; no response is a failure.
  result<response> exchange(request const& req) {
    std::string const p = path(req.key);
    std::string const query = canonical_query(req.query);
    std::string const url = ep.scheme + "://" + host() + p + (query.empty() ? "" : "?" + query);
    std::string const payload_hash =
        opt.sign_payload ? sha256_hex(req.body) : std::string(unsigned_payload);

    signing_request sr;
    sr.method = req.method;
    sr.path = p;
    sr.query = req.query;
    sr.payload_hash = payload_hash;
    sr.headers = req.headers;
    sr.headers.emplace_back("host", host());
    sr.headers.emplace_back("x-amz-date", amz_date(std::time(nullptr)));
    sr.headers.emplace_back("x-amz-content-sha256", payload_hash);
    if (!opt.keys.session_token.empty()) {
      sr.headers.emplace_back("x-amz-security-token", opt.keys.session_token);
    }
    std::string const auth =
        authorization(sr, signing_key{opt.keys.access_key, opt.keys.secret_key, opt.region});

    curl_slist* list = nullptr;
    for (auto const& [n, v] : sr.headers) list = curl_slist_append(list, (n + ": " + v).c_str());
    list = curl_slist_append(list, ("Authorization: " + auth).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    bool const typed = std::any_of(req.headers.begin(), req.headers.end(),
                                   [](auto const& h) { return h.first == "content-type"; });
    if (!typed && (!req.body.empty() || std::strcmp(req.method, "POST") == 0)) {
      list = curl_slist_append(list, "Content-Type: application/octet-stream");
    }

    response res;
    transfer_state st;
    st.upload = req.body;
    st.res = &res;
    st.sink = req.sink;
    char errbuf[CURL_ERROR_SIZE] = {};

    CURL* h = borrow();
    if (h == nullptr) {
      curl_slist_free_all(list);
      failure f;
      f.kind = errc::unreachable;
      f.code = "curl_easy_init";
      return f;
    }
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(opt.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(opt.stall_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!opt.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, opt.ca_file.c_str());
    if (resolve != nullptr) curl_easy_setopt(h, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &st);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &st);
    if (std::strcmp(req.method, "HEAD") == 0) {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (std::strcmp(req.method, "GET") == 0) {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (std::strcmp(req.method, "PUT") == 0 || std::strcmp(req.method, "POST") == 0) {
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
      curl_easy_setopt(h, CURLOPT_READDATA, &st);
      curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
      curl_easy_setopt(h, CURLOPT_SEEKDATA, &st);
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method);
    }
    CURLcode const rc = curl_easy_perform(h);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      curl_easy_cleanup(h);  // the connection's state is unknown
      failure f = transport_failure(rc, errbuf);
      if (st.sink_stopped) f.code = "aborted";
      if (res.sink_used) f.message += " (after part of the body)";
      return f;
    }
    give_back(h);
    return res;
  }

  std::chrono::milliseconds backoff(int attempt) {
    auto const cap = std::min<std::int64_t>(opt.backoff_cap.count(), opt.backoff_base.count()
                                                                         << std::min(attempt, 20));
    std::lock_guard lock(rng_mu);
    std::uniform_int_distribution<std::int64_t> d(0, std::max<std::int64_t>(cap, 1));
    return std::chrono::milliseconds(d(rng));
  }

  /// Sends `req` until it succeeds (2xx), fails for good, or runs out of attempts.
  result<response> call(request const& req) {
    int const attempts = std::max(opt.max_attempts, 1);
    failure last;
    for (int attempt = 1;; ++attempt) {
      auto r = exchange(req);
      if (r && r->status >= 200 && r->status < 300) return r;
      last = r ? response_failure(*r) : r.error();
      last.attempts = attempt;
      bool const retry = attempt < attempts && is_transient(last.kind) &&
                         (req.idempotent || never_sent(last)) && !(r && r->sink_used) &&
                         last.code != "aborted";
      if (!retry) return last;
      std::this_thread::sleep_for(backoff(attempt - 1));
    }
  }
};

client::client(std::unique_ptr<impl> p) noexcept : impl_(std::move(p)) {}
client::~client() = default;

client_options const& client::options() const noexcept {
  return impl_->opt;
}

result<std::unique_ptr<client>> client::create(client_options options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  failure f;
  f.kind = errc::rejected;
  f.http_status = 0;
  auto ep = split_endpoint(options.endpoint);
  if (!ep) {
    f.code = "InvalidEndpoint";
    f.message = "endpoint must be http(s)://host[:port] without a path";
    return f;
  }
  if (options.bucket.empty() || options.keys.access_key.empty() ||
      options.keys.secret_key.empty()) {
    f.code = "InvalidConfiguration";
    f.message = "bucket, access key and secret key must not be empty";
    return f;
  }
  auto p = std::make_unique<impl>();
  p->opt = std::move(options);
  p->ep = std::move(*ep);
  for (auto const& r : p->opt.resolve) p->resolve = curl_slist_append(p->resolve, r.c_str());
  return std::unique_ptr<client>(new client(std::move(p)));
}

namespace {

void add_conditions(header_list& h, write_conditions const& cond) {
  if (cond.if_none_match) h.emplace_back("if-none-match", "*");
  if (!cond.if_match.empty()) h.emplace_back("if-match", cond.if_match);
}

std::string range_header(byte_range r) {
  return "bytes=" + std::to_string(r.first) + "-" + std::to_string(r.last);
}

/// Calls naming an upload id: a missing upload is no_such_upload, whatever the store
/// says (RGW answers ListParts of an aborted upload with NoSuchKey).
failure upload_failure(failure f) {
  if (f.kind == errc::no_such_key) f.kind = errc::no_such_upload;
  return f;
}

failure bad_response(response const& r, std::string what) {
  failure f;
  f.kind = errc::bad_response;
  f.http_status = static_cast<int>(r.status);
  f.code = "BadResponse";
  f.message = std::move(what);
  f.request_id = r.header("x-amz-request-id");
  return f;
}

}  // namespace

result<std::string> client::put_object(std::string_view key, std::span<std::byte const> body,
                                       write_conditions const& cond) {
  request req;
  req.method = "PUT";
  req.key = key;
  req.body = body;
  add_conditions(req.headers, cond);
  auto r = impl_->call(req);
  if (!r) return r.error();
  return r->header("etag");
}

result<object_info> client::get_object_to(std::string_view key, std::optional<byte_range> range,
                                          std::string_view if_match, body_sink const& sink) {
  request req;
  req.key = key;
  if (range) req.headers.emplace_back("range", range_header(*range));
  if (!if_match.empty()) req.headers.emplace_back("if-match", std::string(if_match));
  req.sink = &sink;
  auto r = impl_->call(req);
  if (!r) return r.error();
  return info_of(*r);
}

result<std::vector<std::byte>> client::get_object(std::string_view key,
                                                  std::optional<byte_range> range,
                                                  std::string_view if_match, object_info* info) {
  std::vector<std::byte> out;
  body_sink const sink = [&out](std::span<std::byte const> b) {
    out.insert(out.end(), b.begin(), b.end());
    return true;
  };
  // A retry starts from scratch: the sink is only used by an attempt that got a 2xx, and
  // a failed one after bytes arrived is not retried.
  auto r = get_object_to(key, range, if_match, sink);
  if (!r) return r.error();
  if (info != nullptr) *info = *r;
  return out;
}

result<object_info> client::head_object(std::string_view key) {
  request req;
  req.method = "HEAD";
  req.key = key;
  auto r = impl_->call(req);
  if (!r) return r.error();
  return info_of(*r);
}

result<void> client::delete_object(std::string_view key) {
  request req;
  req.method = "DELETE";
  req.key = key;
  auto r = impl_->call(req);
  if (!r) return r.error();
  return {};
}

result<std::string> client::create_multipart(std::string_view key) {
  request req;
  req.method = "POST";
  req.key = key;
  req.query = {{"uploads", ""}};
  req.idempotent = false;
  auto r = impl_->call(req);
  if (!r) return r.error();
  auto id = detail::parse_upload_id(r->body);
  if (!id) return bad_response(*r, "no UploadId in the answer to CreateMultipartUpload");
  return std::move(*id);
}

result<std::string> client::upload_part(std::string_view key, std::string_view upload_id,
                                        int part_number, std::span<std::byte const> body) {
  request req;
  req.method = "PUT";
  req.key = key;
  req.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  req.body = body;
  auto r = impl_->call(req);
  if (!r) return upload_failure(r.error());
  return r->header("etag");
}

result<std::vector<part_info>> client::list_parts(std::string_view key,
                                                  std::string_view upload_id) {
  std::vector<part_info> all;
  std::string marker;
  for (;;) {
    request req;
    req.key = key;
    req.query = {{"uploadId", std::string(upload_id)}};
    if (!marker.empty()) req.query.emplace_back("part-number-marker", marker);
    auto r = impl_->call(req);
    if (!r) return upload_failure(r.error());
    auto page = detail::parse_list_parts(r->body);
    if (!page) return bad_response(*r, "unreadable ListPartsResult");
    all.insert(all.end(), page->parts.begin(), page->parts.end());
    if (!page->next_marker || page->next_marker->empty() || *page->next_marker == marker) break;
    marker = *page->next_marker;
  }
  std::sort(all.begin(), all.end(),
            [](part_info const& a, part_info const& b) { return a.number < b.number; });
  return all;
}

result<std::string> client::complete_multipart(std::string_view key, std::string_view upload_id,
                                               std::vector<part_info> const& parts,
                                               write_conditions const& cond) {
  std::string const body = detail::complete_body(parts);
  request req;
  req.method = "POST";
  req.key = key;
  req.query = {{"uploadId", std::string(upload_id)}};
  req.headers.emplace_back("content-type", "application/xml");
  add_conditions(req.headers, cond);
  req.body = std::as_bytes(std::span{body.data(), body.size()});
  auto r = impl_->call(req);
  if (!r) return upload_failure(r.error());
  // S3 may answer 200 and report the failure in the body.
  if (auto e = detail::parse_error(r->body)) {
    failure f;
    f.kind = e->code == "SlowDown"        ? errc::throttled
             : e->code == "InternalError" ? errc::server_error
             : e->code == "NoSuchUpload"  ? errc::no_such_upload
                                          : errc::rejected;
    f.http_status = static_cast<int>(r->status);
    f.code = e->code;
    f.message = e->message;
    f.request_id = e->request_id;
    return f;
  }
  auto etag = detail::parse_complete(r->body);
  if (!etag) return bad_response(*r, "unreadable CompleteMultipartUploadResult");
  return std::move(*etag);
}

result<void> client::abort_multipart(std::string_view key, std::string_view upload_id) {
  request req;
  req.method = "DELETE";
  req.key = key;
  req.query = {{"uploadId", std::string(upload_id)}};
  auto r = impl_->call(req);
  if (!r) return upload_failure(r.error());
  return {};
}

result<std::vector<object_entry>> client::list_objects(std::string_view prefix, std::size_t limit) {
  std::vector<object_entry> all;
  std::string token;
  for (;;) {
    request req;
    req.query = {{"list-type", "2"}, {"prefix", std::string(prefix)}};
    if (limit != 0) {
      req.query.emplace_back("max-keys", std::to_string(std::min<std::size_t>(limit, 1000)));
    }
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    auto r = impl_->call(req);
    if (!r) return r.error();
    auto page = detail::parse_list_objects(r->body);
    if (!page) return bad_response(*r, "unreadable ListBucketResult");
    all.insert(all.end(), page->objects.begin(), page->objects.end());
    if (limit != 0 && all.size() >= limit) {
      all.resize(limit);
      break;
    }
    if (!page->next_token || page->next_token->empty()) break;
    token = *page->next_token;
  }
  return all;
}

result<void> client::create_bucket() {
  request req;
  req.method = "PUT";
  std::string body;
  if (impl_->opt.region != "us-east-1") {
    body = "<CreateBucketConfiguration><LocationConstraint>" + impl_->opt.region +
           "</LocationConstraint></CreateBucketConfiguration>";
  }
  req.body = std::as_bytes(std::span{body.data(), body.size()});
  auto r = impl_->call(req);
  if (!r) {
    if (r.error().code == "BucketAlreadyOwnedByYou") return {};
    return r.error();
  }
  return {};
}

result<void> client::delete_bucket() {
  request req;
  req.method = "DELETE";
  auto r = impl_->call(req);
  if (!r) return r.error();
  return {};
}

std::string md5_etag(std::span<std::byte const> body) {
  return "\"" + hex_md5(body, nullptr) + "\"";
}

std::string multipart_etag(std::vector<part_info> const& parts) {
  std::vector<std::byte> joined;
  for (auto const& p : parts) {
    std::string hex = p.etag;
    hex.erase(std::remove(hex.begin(), hex.end(), '"'), hex.end());
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      joined.push_back(static_cast<std::byte>(core::hex_byte(hex[i], hex[i + 1]).value_or(0)));
    }
  }
  return "\"" + hex_md5(joined, nullptr) + "-" + std::to_string(parts.size()) + "\"";
}

}  // namespace bits::s3
