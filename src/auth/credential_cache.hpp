// A small, bounded memory of recently verified Basic credentials, so that a client
// which sends the same Authorization header with every fragment is hashed once per
// time-to-live instead of once per request.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace bits::auth {

/// Time source of the cache; injectable so tests can expire entries without sleeping.
using steady_time_function = std::function<std::chrono::steady_clock::time_point()>;

/// Settings of a credential_cache (and of basic_authenticator's cache).
struct cache_options {
  std::size_t capacity = 1024;  ///< entries kept at most (least recently used evicted); 0 = off
  std::chrono::steady_clock::duration ttl =
      std::chrono::minutes(5);  ///< from verification; 0 = off
  steady_time_function now;     ///< empty = std::chrono::steady_clock::now
};

/// Successful verifications only, keyed by user, holding SHA-256(salt || password)
/// where the 32-byte salt is random per cache (drawn from OpenSSL's RAND_bytes), never
/// the password itself. Wrong passwords are never cached, so a hit proves the caller
/// knows a password that verified within the last ttl.
///
/// Generations tie entries to one user table: insert() is ignored unless its
/// generation is the one last given to reset(), so a slow verification that started
/// before a reload cannot put a stale success into the new cache.
///
/// Thread-safe: every member takes an internal mutex for a few map operations; the
/// digest is computed outside it.
class credential_cache {
 public:
  explicit credential_cache(cache_options options);

  credential_cache(credential_cache const&) = delete;
  credential_cache& operator=(credential_cache const&) = delete;

  /// True when `user` verified with this exact `password` less than ttl ago (digests
  /// compared in constant time). A hit makes the entry the most recently used; an
  /// expired entry is dropped. False also when the cache is off.
  [[nodiscard]] bool contains(std::string_view user, std::string_view password);

  /// Records that `user`/`password` verified against the table of `generation`.
  /// Replaces the user's previous entry; evicts the least recently used entry when
  /// full. Ignored when `generation` is not current or the cache is off.
  void insert(std::string_view user, std::string_view password, std::uint64_t generation);

  /// Forgets every entry and makes `generation` the current one.
  void reset(std::uint64_t generation);

  /// Entries held now (expired ones included until looked up or evicted).
  [[nodiscard]] std::size_t size() const;

 private:
  using digest = std::array<unsigned char, 32>;

  struct entry {
    digest password_digest{};
    std::chrono::steady_clock::time_point verified_at;
    std::list<std::string>::iterator position;  ///< in order_
  };

  [[nodiscard]] std::optional<digest> digest_of(std::string_view password) const;
  [[nodiscard]] std::chrono::steady_clock::time_point now() const;
  void erase(std::map<std::string, entry, std::less<>>::iterator it);

  cache_options options_;
  std::array<unsigned char, 32> salt_{};
  bool enabled_ = false;  ///< capacity and ttl non-zero and a salt could be drawn

  mutable std::mutex mutex_;
  std::map<std::string, entry, std::less<>> entries_;
  std::list<std::string> order_;  ///< users, most recently used first
  std::uint64_t generation_ = 0;
};

}  // namespace bits::auth
