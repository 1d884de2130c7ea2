// basic_authenticator: table snapshots, the stand-in hash for unknown users, and the
// cache generation that makes reloads drop every cached success.
#include "auth/basic_authenticator.hpp"

#include "auth/password_hash.hpp"

#include <utility>

namespace bits::auth {
namespace {

// bcrypt, cost 10, of a fixed phrase nobody uses: hashed for unknown users when the
// table is empty, so that such a request costs about what a real check would.
constexpr char const* empty_table_stand_in =
    "$2b$10$E0VoQjZRIxiaJhL64K/ZEui7jrHVwNipTEqZ5rE/W9jw3B.C/OxlO";

// The stand-in is a hash of the table itself (its first user's), so an unknown user
// costs the same scheme and work factor as a real one. Checking a password against it
// leaks nothing: the result is thrown away.
std::string stand_in_for(htpasswd const& table) {
  return table.users.empty() ? std::string(empty_table_stand_in) : table.users.begin()->second;
}

}  // namespace

basic_authenticator::basic_authenticator(htpasswd table, cache_options cache)
    : cache_(std::move(cache)) {
  replace(std::move(table));
}

std::shared_ptr<basic_authenticator::snapshot const> basic_authenticator::current() const {
  std::lock_guard const lock(mutex_);
  return snapshot_;
}

bool basic_authenticator::lookup_cache(std::string_view user, std::string_view password) {
  return cache_.contains(user, password);
}

bool basic_authenticator::verify_slow(std::string_view user, std::string_view password) {
  auto const snap = current();
  auto const it = snap->table.users.find(user);
  if (it == snap->table.users.end()) {
    (void)run_crypt(password, snap->stand_in_hash);
    return false;
  }
  if (!run_crypt(password, it->second)) return false;
  // Tagged with the generation this check used: if a reload happened meanwhile, the
  // cache ignores it.
  cache_.insert(user, password, snap->generation);
  return true;
}

bool basic_authenticator::run_crypt(std::string_view password, std::string const& hash) {
  hash_count_.fetch_add(1, std::memory_order_relaxed);
  return verify_password(password, hash);
}

bool basic_authenticator::verify(std::string_view user, std::string_view password) {
  return lookup_cache(user, password) || verify_slow(user, password);
}

boost::system::error_code basic_authenticator::reload(std::string const& path,
                                                      std::vector<std::string>& problems) {
  auto loaded = load_htpasswd(path, problems);
  if (!loaded) return loaded.error();
  replace(std::move(*loaded));
  return {};
}

void basic_authenticator::replace(htpasswd table) {
  auto next = std::make_shared<snapshot>();
  next->stand_in_hash = stand_in_for(table);
  next->table = std::move(table);

  // The cache is reset under the same lock as the swap, so two concurrent replaces
  // cannot leave the cache on an older generation than the table.
  std::lock_guard const lock(mutex_);
  next->generation = ++generation_;
  cache_.reset(next->generation);
  snapshot_ = std::move(next);
}

std::size_t basic_authenticator::user_count() const {
  return current()->table.users.size();
}

std::string basic_authenticator::source() const {
  return current()->table.source;
}

std::uint64_t basic_authenticator::hash_count_for_test() const noexcept {
  return hash_count_.load(std::memory_order_relaxed);
}

std::size_t basic_authenticator::cache_size_for_test() const {
  return cache_.size();
}

}  // namespace bits::auth
