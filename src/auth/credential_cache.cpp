// The credential cache. Only a salted digest of the password is kept: a memory dump
// of the cache does not show passwords, and the per-cache random salt keeps the
// digests from being compared across processes or looked up in precomputed tables.
#include "auth/credential_cache.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <utility>

namespace bits::auth {

credential_cache::credential_cache(cache_options options) : options_(std::move(options)) {
  // Without a salt the digests would be plain SHA-256 of passwords; better no cache.
  bool const salted = RAND_bytes(salt_.data(), static_cast<int>(salt_.size())) == 1;
  enabled_ =
      salted && options_.capacity > 0 && options_.ttl > std::chrono::steady_clock::duration::zero();
}

std::chrono::steady_clock::time_point credential_cache::now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

std::optional<credential_cache::digest> credential_cache::digest_of(
    std::string_view password) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  digest out{};
  unsigned int length = 0;
  bool const ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), salt_.data(), salt_.size()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), password.data(), password.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), out.data(), &length) == 1 && length == out.size();
  if (!ok) return std::nullopt;
  return out;
}

void credential_cache::erase(std::map<std::string, entry, std::less<>>::iterator it) {
  order_.erase(it->second.position);
  entries_.erase(it);
}

bool credential_cache::contains(std::string_view user, std::string_view password) {
  if (!enabled_) return false;
  auto const wanted = digest_of(password);
  if (!wanted) return false;
  auto const at = now();

  std::lock_guard const lock(mutex_);
  auto const it = entries_.find(user);
  if (it == entries_.end()) return false;
  if (at - it->second.verified_at >= options_.ttl) {
    erase(it);
    return false;
  }
  // A different password is a miss, not a reason to drop the entry: a client with a
  // wrong password must not be able to evict the right one.
  if (CRYPTO_memcmp(wanted->data(), it->second.password_digest.data(), wanted->size()) != 0)
    return false;
  order_.splice(order_.begin(), order_, it->second.position);
  return true;
}

void credential_cache::insert(std::string_view user, std::string_view password,
                              std::uint64_t generation) {
  if (!enabled_) return;
  auto const computed = digest_of(password);
  if (!computed) return;
  auto const at = now();

  std::lock_guard const lock(mutex_);
  if (generation != generation_) return;
  if (auto const it = entries_.find(user); it != entries_.end()) erase(it);
  if (entries_.size() >= options_.capacity) erase(entries_.find(order_.back()));
  order_.emplace_front(user);
  entries_.emplace(std::string(user), entry{*computed, at, order_.begin()});
}

void credential_cache::reset(std::uint64_t generation) {
  std::lock_guard const lock(mutex_);
  entries_.clear();
  order_.clear();
  generation_ = generation;
}

std::size_t credential_cache::size() const {
  std::lock_guard const lock(mutex_);
  return entries_.size();
}

}  // namespace bits::auth
