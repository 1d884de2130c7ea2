// The scripted peer on POSIX sockets (like tests/support/raw_client), polling so that
// the destructor's stop request is seen within 50 ms.
#include "unit/client/scripted_http_server.hpp"

#include "core/content_range.hpp"
#include "core/message.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <optional>
#include <span>

namespace bits::client::test {
namespace {

constexpr std::size_t max_head_bytes = 64 * 1024;

// Field `name` of a request head: the text after "name:" on its line, trimmed.
std::optional<std::string> field(std::string_view head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    std::size_t const start = pos + 2;
    std::size_t const end = head.find("\r\n", start);
    std::string_view const line = head.substr(start, end - start);
    auto const colon = line.find(':');
    if (colon != std::string_view::npos && core::iequals(line.substr(0, colon), name)) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
      }
      return std::string(value);
    }
    pos = end;
  }
  return std::nullopt;
}

// Up to `out.size()` bytes; 0 when the peer closed, the 5 s budget ran out or `stop`
// was set (checked every 50 ms).
std::size_t receive(int fd, std::span<char> out, std::atomic<bool> const& stop) {
  for (int waited_ms = 0; waited_ms < 5000 && !stop; waited_ms += 50) {
    pollfd p{fd, POLLIN, 0};
    int const ready = ::poll(&p, 1, 50);
    if (ready < 0) return 0;
    if (ready == 0) continue;
    ssize_t const n = ::recv(fd, out.data(), out.size(), 0);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  return 0;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t const n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string received_request::header(std::string_view name) const {
  return field(head, name).value_or("");
}

bool received_request::has_header(std::string_view name) const {
  return field(head, name).has_value();
}

scripted_http_server::scripted_http_server(std::vector<std::string> responses)
    : script_(std::move(responses)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 8) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return;  // port_ stays 0: every connection attempt fails and the test says so
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

scripted_http_server::~scripted_http_server() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (listener_ >= 0) ::close(listener_);
}

std::string scripted_http_server::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::vector<received_request> scripted_http_server::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void scripted_http_server::run() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int const fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{};
    tv.tv_sec = 5;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    serve(fd);
    ::close(fd);
  }
}

void scripted_http_server::serve(int fd) {
  std::string buffer;
  char chunk[16384];
  while (!stopping_ && next_ < script_.size()) {
    std::size_t end = buffer.find("\r\n\r\n");
    while (end == std::string::npos && buffer.size() < max_head_bytes) {
      std::size_t const n = receive(fd, chunk, stopping_);
      if (n == 0) return;  // closed by the client, timed out or stopping
      buffer.append(chunk, n);
      end = buffer.find("\r\n\r\n");
    }
    if (end == std::string::npos) return;
    received_request req;
    req.head = buffer.substr(0, end + 2);
    buffer.erase(0, end + 4);
    req.body_length =
        core::parse_decimal_u64(field(req.head, "Content-Length").value_or("0")).value_or(0);
    while (buffer.size() < req.body_length) {
      std::size_t const n = receive(fd, chunk, stopping_);
      if (n == 0) return;
      buffer.append(chunk, n);
    }
    buffer.erase(0, req.body_length);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
    }
    std::string const& answer = script_[next_++];
    if (!send_all(fd, answer)) return;
    bool const closes = answer.starts_with("HTTP/1.0") ||
                        answer.find("\r\nConnection: close\r\n") != std::string::npos;
    if (closes) return;
  }
}

}  // namespace bits::client::test
