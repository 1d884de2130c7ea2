// The in-memory BITS server: the fragment rule comes from core::plan_fragment, the same
// decision the real server makes.
#include "unit/client/fake_server.hpp"

#include "client/failure.hpp"
#include "core/content_range.hpp"
#include "core/fragment_plan.hpp"
#include "core/message.hpp"
#include "core/protocol.hpp"
#include "core/wire_error.hpp"

#include <algorithm>

namespace bits::client::test {

std::string exchange_record::header(std::string_view name) const {
  return std::string(net::find_header(headers, name).value_or(""));
}

std::string url_path(std::string const& url) {
  auto const scheme = url.find("://");
  auto const slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

net::response fake_server::ack(unsigned status, std::string const& code) {
  net::response r;
  r.status = status;
  r.headers.emplace_back("BITS-Packet-Type", "Ack");
  r.headers.emplace_back("Content-Length", "0");
  if (!code.empty()) {
    r.headers.emplace_back("BITS-Error-Code", code);
    r.headers.emplace_back("BITS-Error-Context", "0x5");
  }
  return r;
}

void fake_server::add_session(std::string const& id, std::string const& url, std::string data,
                              std::optional<std::uint64_t> total) {
  sessions[id] = fake_session{url, std::move(data), total, false};
}

std::vector<std::string> fake_server::packets() const {
  std::vector<std::string> out;
  for (auto const& e : log) {
    if (!e.packet.empty()) out.push_back(e.packet);
  }
  return out;
}

std::vector<exchange_record> fake_server::of(std::string_view packet) const {
  std::vector<exchange_record> out;
  for (auto const& e : log) {
    if (e.packet == packet) out.push_back(e);
  }
  return out;
}

result<net::response> fake_server::exchange(net::request const& r, transfer_progress const& p) {
  std::size_t const index = log.size();
  exchange_record rec{r.method, r.url,
                      std::string(net::find_header(r.headers, "BITS-Packet-Type").value_or("")),
                      r.headers, r.body_length};
  log.push_back(rec);
  if (intercept) {
    if (auto injected = intercept(r, index)) return *injected;
  }
  if (p && !p(r.body_length, 0)) return make_error_code(errc::cancelled);
  net::response resp;
  if (r.method == "GET" || r.method == "HEAD") {
    auto got = handle_get(r, r.method == "HEAD");
    if (!got) return got.error();
    resp = std::move(*got);
  } else {
    resp = handle_post(r, rec.packet);
  }
  resp.http_version = http_version;
  if (after) after(r, index, resp);
  return resp;
}

net::response fake_server::handle_post(net::request const& r, std::string const& packet) {
  auto const type = core::parse_packet_type(packet);
  if (!type) return ack(400, "0x80070057");
  std::string const id(net::find_header(r.headers, "BITS-Session-Id").value_or(""));
  switch (*type) {
    case core::packet_type::ping:
      return ack(200);
    case core::packet_type::create_session: {
      ++next_id_;
      std::string const sid =
          session_ids ? session_ids(next_id_) : "{FAKE-" + std::to_string(next_id_) + "}";
      sessions[sid] = fake_session{url_path(r.url), {}, std::nullopt, false};
      auto a = ack(200);
      if (!omit_session_id) a.headers.emplace_back("BITS-Session-Id", sid);
      a.headers.emplace_back("BITS-Protocol", protocol_override.empty()
                                                  ? std::string(core::upload_protocol_guid)
                                                  : protocol_override);
      a.headers.emplace_back("Accept-Encoding", "identity");
      if (!host_id.empty()) {
        a.headers.emplace_back("BITS-Host-Id", host_id);
        if (host_id_fallback_s) {
          a.headers.emplace_back("BITS-Host-Id-Fallback-Timeout",
                                 std::to_string(*host_id_fallback_s));
        }
      }
      return a;
    }
    case core::packet_type::fragment:
      return handle_fragment(r);
    case core::packet_type::close_session:
    case core::packet_type::cancel_session: {
      auto it = sessions.find(id);
      if (it == sessions.end()) return ack(500, "0x8020001F");
      sessions.erase(it);
      return ack(200);
    }
    case core::packet_type::ack:
      break;
  }
  return ack(400, "0x80070057");
}

net::response fake_server::handle_fragment(net::request const& r) {
  std::string const id(net::find_header(r.headers, "BITS-Session-Id").value_or(""));
  auto it = sessions.find(id);
  if (it == sessions.end() || it->second.url != url_path(r.url)) return ack(500, "0x8020001F");
  auto& s = it->second;
  auto range = core::parse_content_range(net::find_header(r.headers, "Content-Range").value_or(""));
  if (!range || range->length != r.body_length) return ack(400, "0x80070057");
  core::upload_progress const held{s.data.size(), s.total};
  auto plan = core::plan_fragment(held, *range, {max_upload, max_fragment});
  auto with_offset = [&](net::response a) {
    a.headers.emplace_back("BITS-Session-Id", id);
    a.headers.emplace_back("BITS-Received-Content-Range", std::to_string(s.data.size()));
    return a;
  };
  if (!plan) {
    auto const wire = core::to_wire(static_cast<bits::error>(plan.error().value()));
    auto a =
        ack(wire.status, wire.code && wire.status != 416 ? core::format_hresult(*wire.code) : "");
    return wire.status == 413 || wire.status == 416 ? with_offset(a) : a;
  }
  std::string body(r.body_length, '\0');
  if (r.body_length > 0) {
    auto got = r.body->read_at(r.body_offset, std::span<char>(body.data(), body.size()));
    if (!got || *got != body.size()) return ack(500, "0x80004005");
  }
  s.total = range->total;
  s.data.append(body, plan->skip, plan->write_length);
  auto a = with_offset(ack(200));
  if (s.data.size() == *s.total) {
    s.completed = true;
    committed[s.url] = s.data;
    if (!reply_url.empty()) a.headers.emplace_back("BITS-Reply-URL", reply_url);
  }
  return a;
}

result<net::response> fake_server::handle_get(net::request const& r, bool head) {
  net::response resp;
  auto it = files.find(r.url);
  if (it == files.end()) {
    resp.status = 404;
    return resp;
  }
  std::string const& content = it->second;
  resp.headers.emplace_back("Last-Modified", "Tue, 01 Oct 2024 10:00:00 GMT");
  resp.headers.emplace_back("Accept-Ranges", "bytes");
  std::string body = content;
  resp.status = 200;
  auto const range = net::find_header(r.headers, "Range");
  if (!head && range && ranges) {
    // "bytes=a-b" only: that is all the client sends.
    std::string_view spec = range->substr(6);
    auto const dash = spec.find('-');
    auto const a = core::parse_decimal_u64(spec.substr(0, dash));
    auto b = core::parse_decimal_u64(spec.substr(dash + 1));
    if (!a || *a >= content.size()) {
      resp.status = 416;
      resp.headers.emplace_back("Content-Range", "bytes */" + std::to_string(content.size()));
      return resp;
    }
    std::uint64_t last =
        std::min<std::uint64_t>(b.value_or(content.size() - 1), content.size() - 1);
    if (max_range_bytes > 0) last = std::min(last, *a + max_range_bytes - 1);
    body = content.substr(*a, last - *a + 1);
    resp.status = 206;
    resp.headers.emplace_back("Content-Range", "bytes " + std::to_string(*a) + "-" +
                                                   std::to_string(last) + "/" +
                                                   std::to_string(content.size()));
  }
  if (head || send_content_length) {
    resp.headers.emplace_back("Content-Length",
                              std::to_string(head ? content.size() : body.size()));
  }
  if (head || r.sink == nullptr) return resp;
  auto const decision = r.sink->start(resp.status, resp.headers);
  if (decision == net::body_decision::abort) {
    resp.aborted_by_sink = true;
  } else if (decision == net::body_decision::discard) {
    resp.body = body;
  } else if (auto ec = r.sink->write(std::span<char const>(body.data(), body.size()))) {
    return ec;
  }
  resp.body_bytes = body.size();
  return resp;
}

}  // namespace bits::client::test
