// http_hook on net::http_session, with a small pool of sessions for keep-alive.
#include "hooks/http_hook.hpp"

#include "hooks/signature.hpp"
#include "net/curl_error.hpp"
#include "net/http_session.hpp"
#include "net/url.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <mutex>
#include <vector>

namespace bits::hooks {
namespace {

using clock = std::chrono::steady_clock;

/// The request body, served from memory.
class string_reader final : public net::body_reader {
 public:
  explicit string_reader(std::string_view text) noexcept : text_(text) {}
  result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override {
    if (offset >= text_.size()) return std::size_t{0};
    auto const n = std::min(out.size(), text_.size() - static_cast<std::size_t>(offset));
    std::memcpy(out.data(), text_.data() + offset, n);
    return n;
  }

 private:
  std::string_view text_;
};

class http_hook final : public hook {
 public:
  explicit http_hook(http_hook_options options) : options_(std::move(options)) {
    auto const seconds = std::chrono::ceil<std::chrono::seconds>(options_.timeout);
    session_options_.connect_timeout =
        std::clamp(seconds, std::chrono::seconds{1}, std::chrono::seconds{30});
    session_options_.response_timeout = std::max(seconds, std::chrono::seconds{1});
    session_options_.ca_file = options_.ca_file;
    session_options_.user_agent = "openbitsd/0.1";
  }

  hook_result call(event_message const& message) override {
    hook_result out;
    auto session = take_session();
    if (!session) {
      out.detail = "cannot set up the HTTP client: " + session.error().message();
      return out;
    }
    std::int64_t const now = std::time(nullptr);
    net::request req;
    req.method = "POST";
    req.url = options_.url;
    req.headers = {
        {"Content-Type", "application/json"},
        {std::string(event_header), std::string(to_string(message.type))},
        {std::string(delivery_header), message.id},
        {std::string(timestamp_header), std::to_string(now)},
    };
    if (!options_.secret.empty()) {
      req.headers.emplace_back(std::string(signature_header),
                               sign_webhook(options_.secret, now, message.json));
    }
    string_reader body(message.json);
    req.body = &body;
    req.body_length = message.json.size();
    // The session's timeouts are in whole seconds and per phase; this one is the total.
    auto const deadline = clock::now() + options_.timeout;
    net::progress_hook const within_time = [deadline](std::uint64_t, std::uint64_t) {
      return clock::now() < deadline;
    };
    auto resp = (*session)->perform(req, within_time);
    if (!resp) {
      bool const timed_out =
          net::is_aborted_by_callback(resp.error()) ||
          resp.error() == net::make_curl_error(28 /* CURLE_OPERATION_TIMEDOUT */);
      out.detail = timed_out ? "timed out after " + std::to_string(options_.timeout.count()) + " ms"
                             : resp.error().message();
      return out;  // the connection may be broken: not reused
    }
    out.output = std::move(resp->body);
    out.detail = "HTTP " + std::to_string(resp->status);
    if (resp->status >= 200 && resp->status < 300) {
      out.answer = hook_answer::accepted;
    } else if (resp->status >= 400 && resp->status < 500) {
      out.answer = hook_answer::refused;
    }
    give_back(std::move(*session));
    return out;
  }

  std::string describe() const override { return "webhook " + options_.url; }

 private:
  result<std::unique_ptr<net::http_session>> take_session() {
    {
      std::lock_guard const lock{mu_};
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    return net::http_session::create(session_options_);
  }

  void give_back(std::unique_ptr<net::http_session> s) {
    std::lock_guard const lock{mu_};
    if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(s));
  }

  http_hook_options options_;
  net::http_options session_options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<net::http_session>> idle_;
};

}  // namespace

result<std::unique_ptr<hook>> make_http_hook(http_hook_options options) {
  auto normalized = net::normalize_url(options.url);
  if (!normalized) return normalized.error();
  options.url = std::move(*normalized);
  return std::unique_ptr<hook>(std::make_unique<http_hook>(std::move(options)));
}

}  // namespace bits::hooks
