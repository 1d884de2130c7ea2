// Connection counting and the stop walk, under one lock.
#include "server/connection_registry.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

namespace bits::server {

bool connection_registry::admit(std::string const& address) {
  std::lock_guard lock(mu_);
  std::size_t* count = max_per_address_ == 0 ? nullptr : &per_address_[address];
  if (admitted_ >= max_ || (count != nullptr && *count >= max_per_address_)) {
    if (count != nullptr && *count == 0) per_address_.erase(address);
    if (!limit_logged_.exchange(true)) {
      spdlog::warn("connection limit reached (peer {}); refusing connections", address);
    }
    return false;
  }
  if (count != nullptr) ++*count;
  ++admitted_;
  limit_logged_.store(false);
  return true;
}

void connection_registry::set_limits(std::size_t max_connections, std::size_t max_per_address) {
  std::lock_guard lock(mu_);
  max_ = max_connections;
  // Connections admitted while there was no per-address limit were not counted per
  // address: the new limit counts those admitted from now on.
  max_per_address_ = max_per_address;
}

void connection_registry::insert(std::shared_ptr<connection_state> c) {
  std::lock_guard lock(mu_);
  live_.insert(std::move(c));
}

bool connection_registry::erase(std::shared_ptr<connection_state> const& c) {
  std::lock_guard lock(mu_);
  if (live_.erase(c) == 0) return false;
  --admitted_;
  if (auto it = per_address_.find(c->address); it != per_address_.end() && --it->second == 0) {
    per_address_.erase(it);
  }
  return stopping_.load() && live_.empty();
}

bool connection_registry::stop() {
  std::lock_guard lock(mu_);
  stopping_.store(true);
  for (auto const& c : live_) {
    boost::asio::post(c->lowest().get_executor(), [c] {
      boost::system::error_code ignored;  // the peer may have closed it already
      if (c->idle.load()) c->lowest().socket().cancel(ignored);
    });
  }
  return live_.empty();
}

std::size_t connection_registry::size() const {
  std::lock_guard lock(mu_);
  return admitted_;
}

}  // namespace bits::server
