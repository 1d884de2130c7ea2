// The connection coroutine. Each request goes read -> limits -> resolve -> authenticate
// -> dispatch -> write. Request heads are parsed by Beast; Fragment bodies are read
// straight from the socket into a pooled buffer and handed to the service, so a body is
// never held whole in memory and never copied through Beast's parser.
#include "server/connection.hpp"

#include "core/request_target.hpp"
#include "core/wire_error.hpp"
#include "server/beast_convert.hpp"
#include "server/buffer_pool.hpp"
#include "server/forwarded.hpp"
#include "server/other_methods.hpp"
#include "server/request_log.hpp"
#include "server/resolve.hpp"
#include "server/run_blocking.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>

namespace bits::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

namespace {

constexpr auto no_throw = net::as_tuple(net::use_awaitable);
/// Unread bodies up to this size are drained to keep the connection; larger ones close it.
constexpr std::uint64_t drain_limit = 64 * 1024;
/// Closing a socket with unread bytes in it sends a reset, which can destroy a response
/// the client has not read yet (a client still writing a body never sees the 413 it
/// should shrink on). So a connection closed before its request was read whole lingers,
/// as nginx's lingering close does: the response is written, the sending side shut down,
/// and what the client still sends is read and discarded, within these bounds.
constexpr auto linger_time = 5s;          ///< in all
constexpr auto linger_read_timeout = 2s;  ///< without a byte from the client
constexpr std::uint64_t linger_bytes = 128ULL << 20U;
/// How often a packet for a busy session asks again (reference 6.5: bounded wait).
constexpr auto busy_poll = 25ms;

bool is_parse_error(beast::error_code const& ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream;
}

/// The server application's answer to `req`; an exception means it was unreachable.
service::notification_response call_application(service::notify_fn const& fn,
                                                service::notification_request const& req) {
  try {
    return fn(req);
  } catch (std::exception const& e) {
    service::notification_response failed;
    failed.what = service::notification_response::outcome::unreachable;
    failed.detail = e.what();
    return failed;
  }
}

/// Checks the HTTP-version at the end of the request line `line[0, size)`. Beast knows
/// only HTTP/1.0 and 1.1; a later 1.x minor version is served as 1.1 (RFC 9110 2.5): it
/// is rewritten in place. False for another major version (answered 505); anything that
/// is not a version at all is left to the parser (400).
bool accept_version(char* line, std::size_t size) noexcept {
  constexpr std::size_t version_size = 8;  // "HTTP/d.d"
  if (size < version_size + 1 || line[size - version_size - 1] != ' ') return true;
  char* const v = line + size - version_size;
  auto const digit = [](char c) { return c >= '0' && c <= '9'; };
  if (std::string_view(v, 5) != "HTTP/" || !digit(v[5]) || v[6] != '.' || !digit(v[7])) {
    return true;
  }
  if (v[5] != '1') return false;
  if (v[7] > '1') v[7] = '1';
  return true;
}

core::reply status_only(unsigned status) {
  core::reply r;
  r.status = status;
  r.close = true;
  return r;
}

/// One request while it is served: Beast's parser (which owns the bytes `head` views),
/// the head as a core value, and what is known about its body. Lives in serve_one's
/// frame; never moved (the views would dangle).
struct incoming {
  http::request_parser<http::empty_body> parser;
  core::request_head head;
  std::string origin;     ///< origin form of an absolute-form target; head.target views it
  std::string principal;  ///< set by authentication; head.principal views it
  /// Header fields authentication adds to the response (mutual authentication).
  std::vector<std::pair<std::string, std::string>> auth_fields;
  std::size_t head_bytes = 0;           ///< request line and header fields, with the blank line
  std::optional<std::uint64_t> length;  ///< Content-Length
  bool chunked = false;
  bool expect_continue = false;  ///< Expect: 100-continue
  std::uint64_t unread = 0;      ///< body bytes not read yet

  [[nodiscard]] std::uint64_t body_read() const noexcept { return length.value_or(0) - unread; }
};

/// What dispatch made of a request.
struct dispatched {
  std::optional<core::reply> reply;  ///< to write; empty: written already, or the connection failed
  bool keep = false;                 ///< without a reply: whether the connection goes on
};

/// The request loop over `Stream`: beast::tcp_stream, or an ssl_stream over one.
template <class Stream>
class http_connection {
 public:
  http_connection(std::shared_ptr<connection_state> conn, Stream& stream, connection_env env)
      : conn_(std::move(conn)), stream_(stream), env_(env), live_(&env.live.get()) {
    beast::error_code ec;
    auto const ep = conn_->lowest().socket().remote_endpoint(ec);
    if (!ec) {
      peer_ = ep.address();
      remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
  }

  net::awaitable<void> run() {
    for (;;) {
      conn_->idle.store(true);
      if (env_.stopping.load()) break;
      if (!co_await wait_for_request()) break;
      // The configuration of this request, from its first byte to its response (the
      // wait above ran under the previous one's idle_timeout).
      live_ = &env_.live.get();
      conn_->idle.store(false);
      if (!co_await serve_one()) break;
    }
    if (linger_) {
      // Over TLS too: the client is sending records, so it would not answer a
      // close_notify; the response is complete (Content-Length, Connection: close).
      co_await linger();
      conn_->lowest().close();
      co_return;
    }
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      // close_notify, bounded: a peer that never answers must not hold us.
      conn_->lowest().expires_after(std::chrono::seconds(5));
      co_await stream_.async_shutdown(net::as_tuple(net::use_awaitable));
    }
    beast::error_code ignored;
    conn_->lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    conn_->lowest().close();
  }

 private:
  /// Waits, up to idle_timeout, for the first byte of the next request.
  net::awaitable<bool> wait_for_request() {
    if (buffer_.size() > 0) co_return true;
    conn_->lowest().expires_after(live_->options.idle_timeout);
    auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), no_throw);
    if (ec) co_return false;  // peer closed, idle timeout, or shutdown
    buffer_.commit(n);
    co_return true;
  }

  /// One request and its response; false when the connection must end.
  net::awaitable<bool> serve_one() {
    request_log log(remote_, &env_.observers);
    incoming in;
    if (!co_await read(in, log)) co_return false;
    if (auto status = exceeded_limit(in)) {
      co_await refuse(*status, log);
      co_return false;
    }
    if (!make_head(in)) {
      co_await refuse(400, log);
      co_return false;
    }
    in.head.remote = client_of(in);
    log.remote(in.head.remote);
    resolved_request const r = resolve(in.head, live_->routes);
    log.packet(r.packet_type);
    if (in.head_bytes > live_->options.max_header_bytes &&
        (r.route == nullptr || !r.route->auth ||
         in.head_bytes > r.route->auth->max_header_bytes())) {
      // Read under the larger limit of a directory with Negotiate, but not for this one.
      co_await refuse(431, log);
      co_return false;
    }

    dispatched out;
    std::optional<core::reply> refusal;
    if (r.route != nullptr && r.route->auth) {
      refusal = co_await authenticate(*r.route->auth, in);
      log.principal(in.principal);
    }
    if (refusal) {
      // 401 with the challenge; the body is drained or the connection closed below,
      // and the client resends the request with credentials (reference 12).
      out.reply = std::move(*refusal);
    } else if (in.head.method == core::bits_post_method) {
      out = co_await dispatch_bits_post(in, r, log);
    } else {
      out = co_await dispatch_other(in, r, log);
    }
    if (!out.reply) co_return out.keep;

    // Step "write".
    core::reply& reply = *out.reply;
    for (auto& field : in.auth_fields) reply.fields.push_back(std::move(field));
    log.bytes_in(in.body_read());
    if (auto const n = settle_unread(in, reply); n > 0 && !co_await drain(n)) co_return false;
    bool const keep = in.head.keep_alive && !reply.close && !env_.stopping.load();
    if (!co_await write_reply(reply, keep, log)) co_return false;
    co_return keep;
  }

  /// Step "read": the request head into `in.parser`, within header_timeout and the
  /// header size limit. A malformed head is answered here (400, 431, 505). False when
  /// the connection must end.
  net::awaitable<bool> read(incoming& in, request_log& log) {
    in.parser.header_limit(static_cast<std::uint32_t>(live_->header_limit));
    in.parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // bodies are ours
    conn_->lowest().expires_after(live_->options.header_timeout);
    std::size_t scanned = 0;
    beast::error_code ec;
    for (;;) {
      if (auto const done = scan_head(in.parser, scanned, in.head_bytes)) {
        ec = *done;
        break;
      }
      auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), no_throw);
      if (read_ec) {
        ec = read_ec == net::error::eof ? http::make_error_code(http::error::end_of_stream)
                                        : read_ec;
        break;
      }
      buffer_.commit(n);
    }
    if (!ec) {
      auto const& req = in.parser.get();
      log.start(req.method_string(), req.target());
      co_return true;
    }
    if (is_parse_error(ec)) {
      // A malformed head: answer once and close; the stream position is unknown.
      unsigned status = ec == http::error::header_limit ? 431 : 400;
      if (ec == http::error::bad_version && version_refused_) status = 505;
      log.malformed(ec.message());
      co_await refuse(status, log);
    }
    co_return false;
  }

  /// Looks for a whole request head in the buffer (from `scanned` on, which it
  /// advances) and, when there is one, feeds it to `parser`: the parser's error, or
  /// success. Empty when more bytes are needed. The head is collected whole first so
  /// that obs-fold (a header line continued on the next line) can be refused: Beast
  /// would join it silently, and folding is a classic request-smuggling vector.
  std::optional<beast::error_code> scan_head(http::request_parser<http::empty_body>& parser,
                                             std::size_t& scanned, std::size_t& head_bytes) {
    std::string_view const data(static_cast<char const*>(buffer_.data().data()), buffer_.size());
    auto const end = data.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
    if (end == std::string_view::npos) {
      scanned = data.size();
      if (data.size() > live_->header_limit) return http::error::header_limit;
      return std::nullopt;
    }
    auto const head = data.substr(0, end + 2);
    head_bytes = end + 4;
    if (head.find("\r\n ") != std::string_view::npos ||
        head.find("\r\n\t") != std::string_view::npos) {
      return http::error::bad_field;
    }
    version_refused_ =
        !accept_version(static_cast<char*>(buffer_.data().data()), head.find("\r\n"));
    if (version_refused_) return http::error::bad_version;
    beast::error_code ec;
    auto const used = parser.put(net::buffer(data.data(), end + 4), ec);
    buffer_.consume(used);
    if (!ec && !parser.is_header_done()) ec = http::error::bad_field;
    return ec;
  }

  /// Step "limits": the status for a head over max_header_count fields (431) or a target
  /// over max_url_bytes (414); empty when within both.
  [[nodiscard]] std::optional<unsigned> exceeded_limit(incoming const& in) const {
    auto const& req = in.parser.get();
    if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) >
        live_->options.max_header_count)
      return 431;
    if (req.target().size() > live_->options.max_url_bytes) return 414;
    return std::nullopt;
  }

  /// The head as a core value, with what the connection knows (remote, scheme). The
  /// absolute form (RFC 9112 3.2.2), as sent through proxies, becomes its origin form,
  /// and its authority replaces the Host header. False for a malformed absolute form.
  /// head.remote is the peer; client_of() may name the client behind a proxy.
  /// The client's "address:port" for the log and the per-address limits: the peer, or
  /// the client a trusted proxy names (port 0: a proxy forwards only the address).
  /// A trusted proxy that terminated TLS also makes the request's scheme "https"
  /// (X-Forwarded-Proto / Forwarded proto=), so that reply URLs point back through it.
  std::string_view client_of(incoming& in) {
    if (live_->proxies.empty()) return remote_;
    auto const& req = in.parser.get();
    auto const values = [&req](std::string_view name) {
      std::vector<std::string_view> out;
      for (auto [it, end] = req.equal_range(name); it != end; ++it) {
        out.emplace_back(it->value().data(), it->value().size());
      }
      return out;
    };
    auto const fwd = values("Forwarded");
    if (forwarded_https(live_->proxies, peer_, values("X-Forwarded-Proto"), fwd)) {
      in.head.scheme = "https";
    }
    auto const client = forwarded_client(live_->proxies, peer_, values("X-Forwarded-For"), fwd);
    if (!client) return remote_;
    client_ = client->to_string() + ":0";
    return client_;
  }

  [[nodiscard]] bool make_head(incoming& in) const {
    auto const& req = in.parser.get();
    if (auto cl = in.parser.content_length()) in.length = *cl;
    in.chunked = in.parser.chunked();
    in.unread = in.length.value_or(0);
    in.head = to_request_head(req, in.length, in.chunked);
    if (core::is_absolute_form(in.head.target)) {
      auto split = core::split_absolute_form(in.head.target);
      if (!split) return false;
      in.origin = std::move(split->origin);
      in.head.target = in.origin;
      in.head.host = split->authority;
    }
    in.head.remote = remote_;
    in.head.keep_alive = req.keep_alive();
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) in.head.scheme = "https";
    in.expect_continue = core::iequals(
        std::string_view(req[http::field::expect].data(), req[http::field::expect].size()),
        "100-continue");
    return true;
  }

  /// Step "authenticate" (validation step 2), by the policy of the request's directory.
  /// Empty when the request may proceed (in.head.principal then names the user);
  /// otherwise the 401 to send.
  net::awaitable<std::optional<core::reply>> authenticate(authenticator& auth, incoming& in) {
    if (auth_owner_ != &auth) {
      auth_state_.reset();
      auth_owner_ = &auth;
    }
    auto decision =
        co_await auth.authenticate({in.head, in.head.remote, auth_state_, env_.workers});
    if (!decision.principal) {
      if (in.head.header("Authorization")) env_.observers.metrics.auth_failure();
      co_return std::move(decision.challenge);
    }
    in.principal = std::move(*decision.principal);
    in.auth_fields = std::move(decision.fields);
    in.head.principal = in.principal;
    co_return std::nullopt;
  }

  /// Step "dispatch" of a BITS_POST: the early error of the resolve step, or the
  /// directory's answer; for a Fragment, its body streamed into the session.
  net::awaitable<dispatched> dispatch_bits_post(incoming& in, resolved_request const& r,
                                                request_log& log) {
    if (!r.post) co_return dispatched{service::error_ack(r.post.error())};
    if (auto refused = co_await pre_create(in.head, *r.post))
      co_return dispatched{std::move(*refused)};
    auto out = co_await route_bits_post(in.head, *r.post);
    if (!out.job) co_return dispatched{std::move(out.reply)};
    if (in.expect_continue && !co_await write_continue()) co_return dispatched{};
    auto streamed = co_await stream_body(*out.job, in.unread);
    if (!streamed) {
      log.aborted(in.body_read());
      co_return dispatched{};
    }
    co_return dispatched{std::move(*streamed)};
  }

  /// Create-Session with a pre-create hook: the hook is called on the pre-create pool
  /// while this connection waits. Empty when the session may be created; otherwise the
  /// refusal to answer.
  net::awaitable<std::optional<core::reply>> pre_create(core::request_head const& head,
                                                        service::bits_post const& post) {
    if (post.p.type != core::packet_type::create_session) co_return std::nullopt;
    auto call = post.vdir->pre_create(post.destination, head.principal, head.remote);
    if (!call) co_return std::nullopt;
    auto decision =
        co_await hooks::async_pre_create(env_.pre_create, std::move(call->hook),
                                         std::move(call->event), call->failure, net::use_awaitable);
    co_return post.vdir->hook_points().decided(decision);
  }

  /// Step "dispatch" of any other method (serve_other_method). A download is written
  /// there; its request body, if any, was never read.
  net::awaitable<dispatched> dispatch_other(incoming& in, resolved_request const& r,
                                            request_log& log) {
    auto res = co_await serve_other_method(stream_, in.head, r, live_->options, log, env_.disk);
    if (!res.keep_alive) co_return dispatched{};
    if (!res.written) co_return dispatched{std::move(res.reply)};
    if (in.unread == 0 && !in.chunked) {
      co_return dispatched{std::nullopt, in.head.keep_alive && !env_.stopping.load()};
    }
    linger_ = true;
    co_return dispatched{};
  }

  /// Dispatches a checked BITS_POST: inline, or on the disk pool when it waits for the
  /// disk. A packet for a session busy with another request waits for it, polling, up
  /// to session_wait, then gets 503 with Retry-After.
  net::awaitable<service::outcome> route_bits_post(core::request_head const& head,
                                                   service::bits_post const& post) {
    bool const on_disk = service::blocks_on_disk(post.p);
    auto const attempt = [&] { return service::dispatch(post, head); };
    std::optional<net::steady_timer> timer;
    std::chrono::steady_clock::time_point deadline;
    for (;;) {
      service::outcome out;
      if (on_disk) {
        out = co_await run_blocking(env_.disk, attempt);
      } else {
        out = attempt();
      }
      if (!out.busy) co_return out;
      if (!timer) {
        timer.emplace(co_await net::this_coro::executor);
        deadline = std::chrono::steady_clock::now() + live_->options.session_wait;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        out.reply = core::make_error_ack(error::session_busy);
        out.reply.set("Retry-After", "5");
        if (auto id = head.header(core::header::session_id)) {
          out.reply.set(core::header::session_id, std::string(*id));
        }
        co_return out;
      }
      timer->expires_after(busy_poll);
      co_await timer->async_wait(no_throw);
    }
  }

  /// Streams the rest of a Fragment body into `job`. Empty when the connection failed
  /// (the session keeps what arrived). `unread` counts down as bytes are consumed.
  net::awaitable<std::optional<core::reply>> stream_body(service::fragment_job& job,
                                                         std::uint64_t& unread) {
    auto const buffered = std::min<std::uint64_t>(buffer_.size(), unread);
    if (buffered > 0) {
      auto const* p = static_cast<std::byte const*>(buffer_.data().data());
      auto const ec = job.write({p, static_cast<std::size_t>(buffered)});
      buffer_.consume(static_cast<std::size_t>(buffered));
      unread -= buffered;
      if (ec) co_return job.fail(ec);
    }
    pooled_buffer chunk = acquire_body_buffer();
    while (unread > 0) {
      auto const want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), unread));
      conn_->lowest().expires_after(live_->options.read_timeout);
      auto [ec, n] = co_await stream_.async_read_some(net::buffer(chunk.data(), want), no_throw);
      if (ec) {
        job.abort();
        co_return std::nullopt;
      }
      unread -= n;
      if (auto werr = job.write({chunk.data(), n})) co_return job.fail(werr);
    }
    if (job.needs_notification()) co_return co_await notify_application(job);
    // A commit or a strict sync waits for the disk: on the disk pool, so that this
    // thread's other connections are not held up by it.
    if (job.finish_blocks())
      co_return co_await run_blocking(env_.disk, [&] { return job.finish(); });
    co_return job.finish();
  }

  /// Upload-reply: calls the server application on a worker thread (the call blocks for
  /// up to notification_timeout) while this connection waits; the session stays leased.
  net::awaitable<core::reply> notify_application(service::fragment_job& job) {
    auto request = co_await run_blocking(env_.disk, [&] { return job.notification(); });
    if (!request) co_return job.fail(request.error());
    auto const& notify = env_.notify;
    auto const began = std::chrono::steady_clock::now();
    auto response =
        co_await run_blocking(env_.workers, [&] { return call_application(notify, *request); });
    env_.observers.metrics.upload_reply(
        response.what == service::notification_response::outcome::ok,
        std::chrono::steady_clock::now() - began);
    if (response.what != service::notification_response::outcome::ok) {
      spdlog::warn("{} server application: {}", remote_, response.detail);
    }
    co_return co_await run_blocking(env_.disk, [&] { return job.finish_notified(response); });
  }

  /// Step "write", for a body left partly unread (reference 2.1: the client may still
  /// send it): a small one is to be drained to keep the connection (returns its
  /// length); otherwise `reply` closes the connection, which lingers (also after a
  /// 100-continue refusal, where the client may never send it). 0: nothing to drain.
  std::uint64_t settle_unread(incoming const& in, core::reply& reply) {
    if (!in.chunked && in.unread == 0) return 0;
    if (!in.chunked && !in.expect_continue && in.unread <= drain_limit) return in.unread;
    reply.close = true;
    linger_ = true;
    return 0;
  }

  net::awaitable<bool> drain(std::uint64_t n) {
    auto const buffered = std::min<std::uint64_t>(buffer_.size(), n);
    buffer_.consume(static_cast<std::size_t>(buffered));
    n -= buffered;
    std::array<char, 8192> sink{};
    while (n > 0) {
      conn_->lowest().expires_after(live_->options.read_timeout);
      auto const want = std::min<std::uint64_t>(sink.size(), n);
      auto [ec, got] = co_await stream_.async_read_some(
          net::buffer(sink.data(), static_cast<std::size_t>(want)), no_throw);
      if (ec) co_return false;
      n -= got;
    }
    co_return true;
  }

  /// Shuts the sending side down, then reads and discards what the client still sends
  /// until it closes, or linger_time, linger_read_timeout or linger_bytes run out.
  net::awaitable<void> linger() {
    auto& tcp = conn_->lowest();
    beast::error_code ignored;
    tcp.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    auto const deadline = std::chrono::steady_clock::now() + linger_time;
    // Not a pooled body buffer: thousands of connections may linger at once.
    std::array<char, 16384> sink{};
    std::uint64_t discarded = 0;
    while (discarded < linger_bytes) {
      auto const left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      tcp.expires_after(std::min<std::chrono::steady_clock::duration>(left, linger_read_timeout));
      auto [ec, n] = co_await tcp.async_read_some(net::buffer(sink), no_throw);
      if (ec) break;  // the client closed (or reset), or a timeout
      discarded += n;
    }
  }

  /// Answers `status` to a request that cannot be served, before its body was read; the
  /// connection then lingers and closes.
  net::awaitable<void> refuse(unsigned status, request_log& log) {
    linger_ = true;
    co_await write_reply(status_only(status), false, log);
  }

  net::awaitable<bool> write_continue() {
    static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
    conn_->lowest().expires_after(live_->options.write_timeout);
    auto [ec, n] =
        co_await net::async_write(stream_, net::buffer(interim.data(), interim.size()), no_throw);
    co_return !ec;
  }

  net::awaitable<bool> write_reply(core::reply const& reply, bool keep_alive, request_log& log) {
    auto res = to_response(reply, keep_alive);
    log.finish(reply);
    conn_->lowest().expires_after(live_->options.write_timeout);
    auto [ec, n] = co_await http::async_write(stream_, res, no_throw);
    co_return !ec;
  }

  std::shared_ptr<connection_state> conn_;
  Stream& stream_;
  connection_env env_;
  live_config const* live_;  ///< the configuration of the current request
  beast::flat_buffer buffer_;
  boost::asio::ip::address peer_;
  std::string remote_;  ///< the peer, "address:port"
  std::string client_;  ///< the client behind a trusted proxy, "address:0"
  /// Authentication state of this connection, for the authenticator it belongs to.
  authenticator const* auth_owner_ = nullptr;
  std::unique_ptr<connection_auth_state> auth_state_;
  bool linger_ = false;           ///< the connection closes with request bytes possibly unread
  bool version_refused_ = false;  ///< the last request head named another HTTP major version
};

}  // namespace

net::awaitable<void> serve_connection(std::shared_ptr<connection_state> conn, connection_env env) {
  if (!conn->tls) {
    http_connection<beast::tcp_stream> c(conn, *conn->plain, env);
    co_await c.run();
    co_return;
  }
  // The handshake counts against the header timeout: it is part of getting a request.
  conn->lowest().expires_after(env.live.get().options.header_timeout);
  auto [ec] = co_await conn->tls->async_handshake(net::ssl::stream_base::server,
                                                  net::as_tuple(net::use_awaitable));
  if (ec) {
    env.observers.metrics.tls_failure();
    spdlog::debug("TLS handshake failed: {}", ec.message());
    conn->lowest().close();
    co_return;
  }
  http_connection<tls_stream> c(conn, *conn->tls, env);
  co_await c.run();
}

}  // namespace bits::server
