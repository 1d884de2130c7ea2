// libcurl notification client. One easy handle per call: notifications happen once per
// upload, so connection reuse would save little and share state between sessions.
#include "notify/notify_client.hpp"

#include "core/message.hpp"
#include "core/protocol.hpp"
#include "core/wire_error.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <memory>
#include <string>

namespace bits::notify {

namespace {

using service::notification_request;
using service::notification_response;
using service::notification_type;
using outcome = notification_response::outcome;

struct file_closer {
  void operator()(std::FILE* f) const noexcept {
    if (f != nullptr) std::fclose(f);
  }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

struct call_state {
  CURL* curl = nullptr;
  notification_response response;
  file_ptr body_in;    ///< by value: the uploaded file
  file_ptr reply_out;  ///< by value: the reply file, opened on first byte
  std::string reply_path;
  bool write_failed = false;
  std::uint64_t reply_bytes = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<call_state*>(user);
  std::string_view const line(data, size * n);
  auto const colon = line.find(':');
  if (colon == std::string_view::npos) {
    // A new status line (after 100 Continue, say) starts a new header block.
    if (line.substr(0, 5) == "HTTP/") st->response = {};
    return size * n;
  }
  auto const name = line.substr(0, colon);
  auto const value = trim(line.substr(colon + 1));
  if (core::iequals(name, core::header::static_response_url)) {
    st->response.static_url = std::string(value);
  } else if (core::iequals(name, core::header::copy_file_to_destination)) {
    st->response.copy_to_destination = true;
  } else if (core::iequals(name, core::header::error_code) ||
             core::iequals(name, core::header::error_code_alt)) {
    st->response.app_error = core::parse_hresult(value);
  }
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<call_state*>(user);
  std::size_t const len = size * n;
  long status = 0;
  curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return len;  // an error page is not a reply
  if (!st->reply_out) {
    st->reply_out.reset(std::fopen(st->reply_path.c_str(), "wbx"));
    if (!st->reply_out) st->reply_out.reset(std::fopen(st->reply_path.c_str(), "wb"));
    if (!st->reply_out) {
      st->write_failed = true;
      return 0;  // aborts the transfer
    }
  }
  if (std::fwrite(data, 1, len, st->reply_out.get()) != len) {
    st->write_failed = true;
    return 0;
  }
  st->reply_bytes += len;
  return len;
}

std::size_t discard_body(char*, std::size_t size, std::size_t n, void*) {
  return size * n;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* st = static_cast<call_state*>(user);
  std::size_t const got = std::fread(buffer, 1, size * n, st->body_in.get());
  if (got == 0 && std::ferror(st->body_in.get())) return CURL_READFUNC_ABORT;
  return got;
}

outcome classify(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return outcome::timed_out;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return outcome::unreachable;
    default:
      return outcome::malformed;
  }
}

struct curl_deleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

}  // namespace

void global_init() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

notification_response call_application(notification_request const& request) {
  call_state st;
  st.reply_path = request.response_file;
  std::unique_ptr<CURL, curl_deleter> curl(curl_easy_init());
  if (!curl) return {outcome::unreachable, 0, {}, {}, false, "curl_easy_init failed"};
  CURL* h = curl.get();
  st.curl = h;

  std::unique_ptr<curl_slist, slist_deleter> headers;
  auto add = [&](std::string const& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add(std::string(core::header::original_request_url) + ": " + request.original_url);
  add("User-Agent: openbitsd");
  add("Expect:");  // the application answers at once; no 100-continue round trip

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(std::min<std::int64_t>(request.timeout.count(), 30)));
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &st);

  if (request.type == notification_type::by_value) {
    st.body_in.reset(std::fopen(request.request_file.c_str(), "rb"));
    if (!st.body_in) return {outcome::malformed, 0, {}, {}, false, "cannot read the upload"};
    std::fseek(st.body_in.get(), 0, SEEK_END);
    auto const size = std::ftell(st.body_in.get());
    std::fseek(st.body_in.get(), 0, SEEK_SET);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &st);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(size));
    add("Content-Type: application/octet-stream");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &st);
  } else {
    add(std::string(core::header::request_datafile_name) + ": " + request.request_file);
    add(std::string(core::header::response_datafile_name) + ": " + request.response_file);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{0});
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  CURLcode const rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  st.reply_out.reset();  // flush and close before the reply is served
  notification_response r = std::move(st.response);
  r.status = static_cast<unsigned>(status);
  if (rc != CURLE_OK) {
    r.what = st.write_failed ? outcome::malformed : classify(rc);
    r.detail = curl_easy_strerror(rc);
    return r;
  }
  if (status != 200) {
    r.what = outcome::failed;
    r.detail = "application answered " + std::to_string(status);
    return r;
  }
  // Reference 7.4: with a static reply URL the body must be empty.
  if (!r.static_url.empty() && st.reply_bytes > 0) {
    r.what = outcome::malformed;
    r.detail = "static response URL together with a body";
    return r;
  }
  r.what = outcome::ok;
  return r;
}

}  // namespace bits::notify
