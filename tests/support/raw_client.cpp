// raw_client: POSIX sockets and a small HTTP/1.x response reader.
#include "support/raw_client.hpp"

#include "core/number_text.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace bits::test {
namespace {

constexpr std::size_t max_head_bytes = 1U << 20U;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool parse_status_line(std::string_view line, http_response& response) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/") return false;
  auto const sp = line.find(' ');
  if (sp == std::string_view::npos || line.size() < sp + 4) return false;
  response.version = std::string(line.substr(0, sp));
  auto const status = core::parse_decimal_u64(line.substr(sp + 1, 3));
  if (!status) return false;
  response.status = static_cast<int>(*status);
  response.reason = line.size() > sp + 5 ? std::string(line.substr(sp + 5)) : std::string{};
  return true;
}

bool parse_head(std::string_view head, http_response& response) {
  auto eol = head.find("\r\n");
  if (!parse_status_line(head.substr(0, eol), response)) return false;
  while (eol != std::string_view::npos && eol + 2 < head.size()) {
    auto const start = eol + 2;
    eol = head.find("\r\n", start);
    auto const line = head.substr(start, eol == std::string_view::npos ? eol : eol - start);
    if (line.empty()) break;
    auto const colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    response.headers.emplace_back(std::string(line.substr(0, colon)),
                                  std::string(trim(line.substr(colon + 1))));
  }
  return true;
}

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

}  // namespace

std::string bits_post_head(std::string_view path, std::string_view packet_type,
                           header_list const& extra, long long content_length,
                           std::string_view host) {
  std::string head =
      "BITS_POST " + std::string(path) + " HTTP/1.1\r\nHost: " + std::string(host) + "\r\n";
  if (!packet_type.empty()) head += "BITS-Packet-Type: " + std::string(packet_type) + "\r\n";
  for (auto const& [name, value] : extra) head += name + ": " + value + "\r\n";
  if (content_length >= 0) head += "Content-Length: " + std::to_string(content_length) + "\r\n";
  head += "Connection: keep-alive\r\n\r\n";
  return head;
}

std::string content_range(std::uint64_t first, std::uint64_t last, std::uint64_t total) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
         std::to_string(total);
}

raw_client::raw_client(std::uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error_ = std::string("socket: ") + std::strerror(errno);
    return;
  }
  set_timeout(timeout);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) {
    error_ = std::string("connect: ") + std::strerror(errno);
    close();
  }
}

raw_client::~raw_client() {
  close();
}

raw_client::raw_client(raw_client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      error_(std::move(other.error_)),
      host_(std::move(other.host_)) {}

raw_client& raw_client::operator=(raw_client&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    error_ = std::move(other.error_);
    host_ = std::move(other.host_);
  }
  return *this;
}

void raw_client::set_timeout(std::chrono::milliseconds timeout) {
  if (fd_ < 0) return;
  timeval const tv = to_timeval(timeout);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void raw_client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool raw_client::send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    auto const sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      error_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

read_outcome raw_client::fill() {
  if (fd_ < 0) return read_outcome::closed;
  char chunk[65536];
  for (;;) {
    auto const got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return read_outcome::response;
    }
    if (got == 0) return read_outcome::closed;
    if (errno == EINTR) continue;
    error_ = std::string("recv: ") + std::strerror(errno);
    if (errno == EAGAIN || errno == EWOULDBLOCK) return read_outcome::timeout;
    return read_outcome::reset;
  }
}

read_outcome raw_client::need(std::size_t bytes) {
  while (buffer_.size() < bytes) {
    auto const outcome = fill();
    if (outcome != read_outcome::response) return outcome;
  }
  return read_outcome::response;
}

read_outcome raw_client::read_until_head_end(std::size_t& head_end) {
  for (;;) {
    head_end = buffer_.find("\r\n\r\n");
    if (head_end != std::string::npos) return read_outcome::response;
    if (buffer_.size() > max_head_bytes) return read_outcome::malformed;
    auto const outcome = fill();
    if (outcome != read_outcome::response) return outcome;
  }
}

read_outcome raw_client::read_chunked(std::string& body) {
  for (;;) {
    std::size_t eol = std::string::npos;
    while ((eol = buffer_.find("\r\n")) == std::string::npos) {
      auto const outcome = fill();
      if (outcome != read_outcome::response) return outcome;
    }
    // The size's hex digits, before any chunk extension.
    auto const line = std::string_view(buffer_).substr(0, eol);
    auto const digits = std::find_if_not(line.begin(), line.end(), core::is_hex_digit);
    auto const parsed =
        core::parse_hex_u64(line.substr(0, static_cast<std::size_t>(digits - line.begin())));
    if (!parsed) return read_outcome::malformed;
    auto const size = static_cast<std::size_t>(*parsed);
    buffer_.erase(0, eol + 2);
    if (size == 0) {
      // Trailer section: skip fields up to the empty line.
      std::size_t end = 0;
      while ((end = buffer_.find("\r\n")) != 0) {
        if (end == std::string::npos) {
          auto const outcome = fill();
          if (outcome != read_outcome::response) return outcome;
          continue;
        }
        buffer_.erase(0, end + 2);
      }
      buffer_.erase(0, 2);
      return read_outcome::response;
    }
    auto const outcome = need(size + 2);
    if (outcome != read_outcome::response) return outcome;
    body.append(buffer_, 0, size);
    buffer_.erase(0, size + 2);
  }
}

read_outcome raw_client::read_body(http_response& response) {
  if ((response.status >= 100 && response.status < 200) || response.status == 204 ||
      response.status == 304) {
    return read_outcome::response;
  }
  auto const te = response.header("Transfer-Encoding");
  if (te && icontains(*te, "chunked")) return read_chunked(response.body);
  if (auto const cl = response.header("Content-Length")) {
    auto const parsed = core::parse_decimal_u64(*cl);
    if (!parsed) return read_outcome::malformed;
    auto const size = static_cast<std::size_t>(*parsed);
    auto const outcome = need(size);
    if (outcome != read_outcome::response) return outcome;
    response.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
    return read_outcome::response;
  }
  // No framing: the body runs to the end of the connection.
  for (;;) {
    auto const outcome = fill();
    if (outcome == read_outcome::closed) break;
    if (outcome != read_outcome::response) return outcome;
  }
  response.body = std::exchange(buffer_, {});
  return read_outcome::response;
}

http_response raw_client::read_response(bool no_body) {
  http_response response;
  std::size_t head_end = 0;
  response.outcome = read_until_head_end(head_end);
  if (response.outcome != read_outcome::response) return response;
  if (!parse_head(std::string_view(buffer_).substr(0, head_end + 2), response)) {
    response = http_response{};
    response.outcome = read_outcome::malformed;
    return response;
  }
  buffer_.erase(0, head_end + 4);
  response.outcome = no_body ? read_outcome::response : read_body(response);
  return response;
}

http_response raw_client::request(std::string_view bytes) {
  if (!send(bytes)) {
    http_response response;
    response.outcome = fd_ < 0 ? read_outcome::closed : read_outcome::reset;
    return response;
  }
  return read_response();
}

bool raw_client::readable_within(std::chrono::milliseconds limit) {
  if (!buffer_.empty()) return true;
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(limit.count())) > 0;
}

bool raw_client::wait_for_close(std::chrono::milliseconds limit) {
  if (fd_ < 0) return true;
  auto const deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    int const ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    auto const outcome = fill();
    if (outcome == read_outcome::closed || outcome == read_outcome::reset) return true;
  }
}

http_response raw_client::bits_post(std::string_view path, std::string_view packet_type,
                                    header_list const& extra, std::string_view body) {
  std::string bytes =
      bits_post_head(path, packet_type, extra, static_cast<long long>(body.size()), host_);
  bytes.append(body);
  return request(bytes);
}

http_response raw_client::ping(std::string_view path) {
  return bits_post(path, "Ping");
}

http_response raw_client::create(std::string_view path) {
  return bits_post(path, "Create-Session",
                   {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
}

std::string raw_client::create_session(std::string_view path) {
  auto const response = create(path);
  auto const id = response.header("BITS-Session-Id");
  if (response.status != 200 || !id || id->empty()) {
    ADD_FAILURE() << "Create-Session " << path << " failed:\n" << response.describe();
    return {};
  }
  return *id;
}

http_response raw_client::send_fragment(std::string_view path, std::string_view session_id,
                                        std::uint64_t first, std::uint64_t last,
                                        std::uint64_t total, std::string_view bytes) {
  return bits_post(path, "Fragment",
                   {{"BITS-Session-Id", std::string(session_id)},
                    {"Content-Range", content_range(first, last, total)}},
                   bytes);
}

http_response raw_client::close_session(std::string_view path, std::string_view session_id) {
  return bits_post(path, "Close-Session", {{"BITS-Session-Id", std::string(session_id)}});
}

http_response raw_client::cancel_session(std::string_view path, std::string_view session_id) {
  return bits_post(path, "Cancel-Session", {{"BITS-Session-Id", std::string(session_id)}});
}

}  // namespace bits::test
