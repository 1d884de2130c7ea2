// Binding (with the address and errno of any failure), the accept loop and the port file.
#include "server/listeners.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

namespace bits::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string to_text(tcp::endpoint const& ep) {
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

boost::system::error_code last_errno() {
  return {errno, boost::system::system_category()};
}

}  // namespace

setup_result<> listeners::bind(std::vector<listen_endpoint> const& endpoints) {
  for (auto const& ep : endpoints) {
    boost::system::error_code ec;
    std::vector<tcp::endpoint> candidates;
    if (ep.host.empty()) {
      candidates.emplace_back(tcp::v6(), ep.port);  // dual-stack where the kernel allows
    } else if (auto addr = net::ip::make_address(ep.host, ec); !ec) {
      candidates.emplace_back(addr, ep.port);
    } else {
      tcp::resolver resolver(loops_.main());
      auto results = resolver.resolve(ep.host, std::to_string(ep.port), ec);
      if (ec) return setup_error{"cannot resolve " + ep.host, ec};
      for (auto const& r : results) candidates.push_back(r.endpoint());
    }
    for (auto const& endpoint : candidates) {
      auto acc = std::make_unique<tcp::acceptor>(loops_.main());
      acc->open(endpoint.protocol(), ec);
      if (!ec) acc->set_option(net::socket_base::reuse_address(true), ec);
      if (!ec) acc->bind(endpoint, ec);
      if (!ec) acc->listen(net::socket_base::max_listen_connections, ec);
      if (ec) return setup_error{"cannot listen on " + to_text(endpoint), ec};
      spdlog::info("listening on {}", to_text(acc->local_endpoint()));
      listeners_.push_back({std::move(acc), ep.tls});
    }
  }
  return {};
}

std::vector<std::uint16_t> listeners::ports() const {
  std::vector<std::uint16_t> out;
  for (auto const& l : listeners_) {
    boost::system::error_code ec;
    out.push_back(l.acceptor->local_endpoint(ec).port());
  }
  return out;
}

setup_result<> listeners::write_port_file(std::string const& path,
                                          std::vector<std::uint16_t> const& more) const {
  std::string text;
  for (auto p : ports()) text += std::to_string(p) + "\n";
  for (auto p : more) text += std::to_string(p) + "\n";
  std::string const tmp = path + ".tmp";
  int const fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return setup_error{"cannot write " + tmp, last_errno()};
  bool const written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  auto const write_error = last_errno();
  ::close(fd);
  if (!written) return setup_error{"cannot write " + tmp, write_error};
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return setup_error{"cannot write " + path, last_errno()};
  }
  return {};
}

void listeners::start(accept_fn on_accept) {
  on_accept_ = std::move(on_accept);
  for (auto& l : listeners_) accept_next(l);
}

void listeners::close() {
  closed_ = true;
  for (auto& l : listeners_) {
    boost::system::error_code ignored;
    l.acceptor->close(ignored);
  }
}

void listeners::accept_next(listener& l) {
  l.acceptor->async_accept(loops_.next(), [this, &l](boost::system::error_code ec,
                                                     tcp::socket socket) {
    if (closed_) return;
    if (ec) {
      // EMFILE and friends: log, pause briefly instead of spinning, keep accepting.
      spdlog::warn("accept: {}", ec.message());
      auto t = std::make_shared<net::steady_timer>(loops_.main(), std::chrono::milliseconds(50));
      t->async_wait([this, &l, t](boost::system::error_code) {
        if (!closed_) accept_next(l);
      });
      return;
    }
    on_accept_(std::move(socket), l.tls);
    accept_next(l);
  });
}

}  // namespace bits::server
