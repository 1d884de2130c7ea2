// Client coroutines. Each checks every answer it gets (status, session id, the server's
// received offset) and stops at the first surprise: a benchmark that counts wrong
// answers as throughput would measure nothing.
#include "loadgen/clients.hpp"

#include "loadgen/wire.hpp"
#include "sink/sink_protocol.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>

namespace bits::bench {
namespace {

constexpr auto no_throw = net::as_tuple(net::use_awaitable);
constexpr std::string_view protocol_guid = "{7df0354d-249b-430f-820d-3d2a9bef4931}";

std::string common_head(std::string_view method, std::string const& path) {
  std::string h;
  h.reserve(320);
  h.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  return h;
}

std::string create_head(std::string const& path) {
  return common_head("BITS_POST", path) +
         "BITS-Packet-Type: Create-Session\r\nBITS-Supported-Protocols: " +
         std::string(protocol_guid) + "\r\nContent-Length: 0\r\n\r\n";
}

std::string fragment_head(std::string const& path, std::string const& sid, std::uint64_t first,
                          std::uint64_t length, std::uint64_t total) {
  return common_head("BITS_POST", path) + "BITS-Packet-Type: Fragment\r\nBITS-Session-Id: " + sid +
         "\r\nContent-Range: bytes " + std::to_string(first) + "-" +
         std::to_string(first + length - 1) + "/" + std::to_string(total) +
         "\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

std::string close_head(std::string const& path, std::string const& sid) {
  return common_head("BITS_POST", path) +
         "BITS-Packet-Type: Close-Session\r\nBITS-Session-Id: " + sid +
         "\r\nContent-Length: 0\r\n\r\n";
}

std::string get_head(std::string const& path, std::uint64_t first, std::uint64_t length) {
  return common_head("GET", path) + "Range: bytes=" + std::to_string(first) + "-" +
         std::to_string(first + length - 1) + "\r\n\r\n";
}

net::awaitable<void> sleep_for(steady::duration d) {
  net::steady_timer t(co_await net::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(no_throw);
}

steady::duration seconds(double s) {
  return std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s));
}

/// One HTTP exchange, timed as `kind`; false (and an error counted) unless the answer
/// has status `expect`.
net::awaitable<bool> send(loop_ctx& L, client_conn& c, op_kind kind, std::string const& head,
                          std::uint64_t body, http_response& r, unsigned expect) {
  auto const t0 = steady::now();
  if (auto ec = co_await c.exchange(head, body, r)) {
    L.stats.error(std::string(op_name(kind)) + ": " + ec.message());
    co_return false;
  }
  if (r.status != expect) {
    L.stats.error(std::string(op_name(kind)) + ": status " + std::to_string(r.status) + " " +
                  r.error_code);
    co_return false;
  }
  L.record(kind, t0);
  co_return true;
}

/// One Fragment at `first`; checks that the server now holds exactly first + length.
net::awaitable<bool> send_fragment(loop_ctx& L, client_conn& c, std::string const& path,
                                   std::string const& sid, std::uint64_t first,
                                   std::uint64_t length, std::uint64_t total) {
  http_response r;
  if (!co_await send(L, c, op_kind::fragment, fragment_head(path, sid, first, length, total),
                     length, r, 200)) {
    co_return false;
  }
  if (r.received != first + length) {
    L.stats.error("fragment: server holds " + std::to_string(r.received.value_or(0)) +
                  ", expected " + std::to_string(first + length));
    co_return false;
  }
  L.stats.bytes_up += length;
  co_return true;
}

/// Create-Session; the new session id in `sid`.
net::awaitable<bool> create_session(loop_ctx& L, client_conn& c, std::string const& path,
                                    std::string& sid) {
  http_response r;
  if (!co_await send(L, c, op_kind::create, create_head(path), 0, r, 200)) co_return false;
  if (r.session_id.empty()) {
    L.stats.error("create: no BITS-Session-Id");
    co_return false;
  }
  sid = std::move(r.session_id);
  ++L.stats.sessions_opened;
  co_return true;
}

/// A whole BITS upload of `size` bytes: Create, Fragments, Close.
net::awaitable<bool> http_upload(loop_ctx& L, client_conn& c, std::string const& path,
                                 std::uint64_t size) {
  auto const t0 = steady::now();
  std::string sid;
  if (!co_await create_session(L, c, path, sid)) co_return false;
  for (std::uint64_t off = 0; off < size; off += L.opt.fragment) {
    if (!L.shared.running()) co_return false;  // out of time: leave the session open
    auto const len = std::min(L.opt.fragment, size - off);
    if (!co_await send_fragment(L, c, path, sid, off, len, size)) co_return false;
  }
  http_response r;
  if (!co_await send(L, c, op_kind::close, close_head(path, sid), 0, r, 200)) co_return false;
  L.record(op_kind::upload, t0);
  ++L.stats.uploads_done;
  co_return true;
}

/// The same bytes to the sink: one PUT per fragment, each acknowledged; the first starts
/// a new file and the last asks for the fdatasync that the server's commit does.
net::awaitable<bool> raw_upload(loop_ctx& L, client_conn& c, std::uint64_t size) {
  auto const t0 = steady::now();
  for (std::uint64_t off = 0; off < size; off += L.opt.fragment) {
    if (!L.shared.running()) co_return false;
    auto const len = std::min(L.opt.fragment, size - off);
    std::uint32_t flags = sink_flag_ack;
    if (off == 0) flags |= sink_flag_new_file;
    if (off + len == size && L.opt.sync) flags |= sink_flag_sync;
    auto const f0 = steady::now();
    if (auto ec = co_await c.put(len, flags)) {
      L.stats.error("put: " + ec.message());
      co_return false;
    }
    L.record(op_kind::fragment, f0);
    L.stats.bytes_up += len;
  }
  L.record(op_kind::upload, t0);
  ++L.stats.uploads_done;
  co_return true;
}

std::uint64_t pick_size(loop_ctx& L) {
  if (L.opt.size_max <= L.opt.size) return L.opt.size;
  return std::uniform_int_distribution<std::uint64_t>(L.opt.size, L.opt.size_max)(L.rng);
}

net::awaitable<bool> connect(loop_ctx& L, client_conn& c) {
  if (auto ec = co_await c.connect(L.server)) {
    L.stats.error("connect: " + ec.message());
    co_return false;
  }
  co_return true;
}

}  // namespace

net::awaitable<void> upload_client(loop_ctx& L, unsigned id) {
  client_conn c(co_await net::this_coro::executor);
  if (!co_await connect(L, c)) co_return;
  for (std::uint64_t n = 0; L.opt.files == 0 || n < L.opt.files; ++n) {
    if (!L.shared.running()) co_return;
    auto const size = pick_size(L);
    std::string const path =
        L.opt.prefix + "lg-c" + std::to_string(id) + "-" + std::to_string(n) + ".bin";
    bool const ok = L.opt.via == transport::http ? co_await http_upload(L, c, path, size)
                                                 : co_await raw_upload(L, c, size);
    if (!ok) co_return;
  }
}

net::awaitable<void> idle_client(loop_ctx& L, unsigned id) {
  co_await sleep_for(seconds(static_cast<double>(id) / L.opt.ramp_rate));
  client_conn c(co_await net::this_coro::executor);
  std::string const path = L.opt.prefix + "idle-c" + std::to_string(id) + ".bin";
  std::string sid;
  bool ok = co_await connect(L, c);
  if (ok && L.opt.via == transport::http) {
    ok = co_await create_session(L, c, path, sid);
  } else if (ok) {
    auto const t0 = steady::now();  // the raw stand-in for Create-Session: a new file
    auto const ec = co_await c.put(0, sink_flag_ack | sink_flag_new_file);
    if (ec) L.stats.error("put: " + ec.message());
    ok = !ec;
    if (ok) L.record(op_kind::create, t0);
  }
  L.shared.settled.fetch_add(1);
  if (!ok) co_return;
  if (!L.shared.gate_open.load()) co_await L.gate.async_wait(no_throw);
  co_await sleep_for(seconds(std::uniform_real_distribution<double>(0, L.opt.interval)(L.rng)));
  for (std::uint64_t off = 0; off + L.opt.fragment <= L.opt.size && L.shared.running();
       off += L.opt.fragment) {
    if (L.opt.via == transport::http) {
      if (!co_await send_fragment(L, c, path, sid, off, L.opt.fragment, L.opt.size)) co_return;
    } else {
      auto const t0 = steady::now();
      if (auto ec = co_await c.put(L.opt.fragment, sink_flag_ack)) {
        L.stats.error("put: " + ec.message());
        co_return;
      }
      L.record(op_kind::fragment, t0);
      L.stats.bytes_up += L.opt.fragment;
    }
    co_await sleep_for(seconds(L.opt.interval));
  }
}

net::awaitable<void> download_client(loop_ctx& L, unsigned /*id*/) {
  client_conn c(co_await net::this_coro::executor);
  if (!co_await connect(L, c)) co_return;
  auto const len = std::min(L.opt.range_size, L.opt.download_size);
  std::uniform_int_distribution<std::uint64_t> pick(0, (L.opt.download_size - len) / 4096);
  while (L.shared.running()) {
    auto const first = pick(L.rng) * 4096;
    if (L.opt.via == transport::raw) {
      auto const t0 = steady::now();
      if (auto ec = co_await c.get(first, len)) {
        L.stats.error("get: " + ec.message());
        co_return;
      }
      L.record(op_kind::get, t0);
    } else {
      http_response r;
      auto const head = get_head(L.opt.download_path, first, len);
      if (!co_await send(L, c, op_kind::get, head, 0, r, 206)) co_return;
      if (r.body_bytes != len) {
        L.stats.error("get: body of " + std::to_string(r.body_bytes) + " bytes");
        co_return;
      }
    }
    L.stats.bytes_down += len;
  }
}

}  // namespace bits::bench
