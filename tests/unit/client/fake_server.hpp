// A BITS server in memory behind the client's transport interface, plus a fake clock:
// the unit tests drive the real upload and download jobs against it and inject the
// answers that a real server gives only in rare situations (lost sessions, 413, 416,
// resets, host ids, replies). Follows the server rules of the reference (sections 3, 5).
#pragma once

#include "client/clock.hpp"
#include "client/transport.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bits::client::test {

/// Time that moves only when the job sleeps (or a test advances it).
class fake_clock final : public clock {
 public:
  [[nodiscard]] time_point now() override { return now_; }
  bool sleep_for(duration d, std::stop_token const& stop) override {
    sleeps.push_back(d);
    now_ += d;
    return !stop.stop_requested();
  }
  void advance(duration d) { now_ += d; }

  std::vector<duration> sleeps;

 private:
  time_point now_{std::chrono::hours(1000)};
};

/// One exchange as the fake server saw it.
struct exchange_record {
  std::string method;
  std::string url;
  std::string packet;  ///< BITS-Packet-Type, empty for GET/HEAD
  net::header_list headers;
  std::uint64_t body_length = 0;
  [[nodiscard]] std::string header(std::string_view name) const;
};

struct fake_session {
  std::string url;
  std::string data;  ///< bytes [0, N)
  std::optional<std::uint64_t> total;
  bool completed = false;
};

class fake_server final : public transport {
 public:
  // Behaviour knobs.
  std::uint64_t max_fragment = 0;  ///< 413 above this body size; 0 = none
  std::uint64_t max_upload = 0;    ///< 500 BG_E_TOO_LARGE above this total; 0 = none
  std::string host_id;             ///< sent on Create-Session Acks when set
  std::optional<std::uint64_t> host_id_fallback_s;
  std::string reply_url;          ///< sent on completing Acks when set
  std::string protocol_override;  ///< BITS-Protocol to answer instead of ours
  bool omit_session_id = false;
  /// Session ids handed out by Create-Session; empty = "{FAKE-1}", "{FAKE-2}", ...
  std::function<std::string(int n)> session_ids;
  /// Version every response reports (net::response::http_version).
  unsigned http_version = 11;
  bool ranges = true;                 ///< honour Range on GET
  std::uint64_t max_range_bytes = 0;  ///< 206 bodies cut to this many bytes; 0 = none
  bool send_content_length = true;    ///< on HEAD

  /// Runs before the normal handling of exchange number `index` (0-based); returning a
  /// value answers with it instead.
  std::function<std::optional<result<net::response>>(net::request const&, std::size_t index)>
      intercept;
  /// Runs after the normal handling; may edit the response.
  std::function<void(net::request const&, std::size_t index, net::response&)> after;

  std::vector<exchange_record> log;
  std::map<std::string, fake_session> sessions;  ///< by session id
  std::map<std::string, std::string> committed;  ///< uploaded files by URL path
  std::map<std::string, std::string> files;      ///< downloadable content by full URL

  result<net::response> exchange(net::request const& r, transfer_progress const& p) override;

  /// Packet types of the BITS_POST exchanges, in order ("Ping", "Create-Session", ...).
  [[nodiscard]] std::vector<std::string> packets() const;
  /// Exchanges of packet type `packet`.
  [[nodiscard]] std::vector<exchange_record> of(std::string_view packet) const;
  /// Creates a session directly (as an earlier run would have), holding `data`.
  void add_session(std::string const& id, std::string const& url, std::string data,
                   std::optional<std::uint64_t> total);

  /// An Ack with `status` and optional error headers.
  [[nodiscard]] static net::response ack(unsigned status, std::string const& code = {});

 private:
  net::response handle_post(net::request const& r, std::string const& packet);
  net::response handle_fragment(net::request const& r);
  result<net::response> handle_get(net::request const& r, bool head);
  int next_id_ = 0;
};

/// URL path of `url` ("http://h:1/a/b" -> "/a/b").
[[nodiscard]] std::string url_path(std::string const& url);

}  // namespace bits::client::test
