// Checks Basic credentials against an htpasswd table, with a cache for clients that
// send the same credentials on every request, and atomic reloads of the table.
#pragma once

#include "auth/credential_cache.hpp"
#include "auth/htpasswd.hpp"

#include <boost/system/error_code.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace bits::auth {

/// Verifies user/password pairs for one htpasswd file.
///
/// Cost: a cache miss runs crypt, which is slow by design (bcrypt at the default cost
/// takes tens of milliseconds, more at higher costs). The server must not run it on an
/// event-loop thread. The intended use per request is:
///   1. `lookup_cache(user, password)` inline on the connection's strand (microseconds);
///   2. on false, post `verify_slow(user, password)` to a thread pool and resume the
///      connection with its result.
/// verify() does both in one blocking call, for tools and tests.
///
/// Timing: verify_slow runs exactly one crypt per call whether or not the user exists
/// (an unknown user is checked against a stand-in hash of the table, whose result is
/// ignored), so response time does not reveal which users exist. Hash comparisons are
/// constant-time (CRYPTO_memcmp).
///
/// Thread-safe: every member may be called concurrently from any thread.
class basic_authenticator {
 public:
  /// Takes the users of `table` (normally from load_htpasswd) and the cache settings.
  explicit basic_authenticator(htpasswd table, cache_options cache = {});

  basic_authenticator(basic_authenticator const&) = delete;
  basic_authenticator& operator=(basic_authenticator const&) = delete;

  /// Fast path: true when this user verified with this password within the cache's
  /// time-to-live and the table has not been reloaded since. False is NOT a refusal:
  /// it means "unknown to the cache, call verify_slow". Never runs crypt.
  [[nodiscard]] bool lookup_cache(std::string_view user, std::string_view password);

  /// Slow path: true when `user` is in the table and `password` matches its hash
  /// (verify_password). Runs one crypt (blocking); on success, remembers the pair in
  /// the cache. Use the result of the table that was current when the call started.
  [[nodiscard]] bool verify_slow(std::string_view user, std::string_view password);

  /// lookup_cache, then verify_slow on a miss. Blocking on a miss.
  [[nodiscard]] bool verify(std::string_view user, std::string_view password);

  /// Loads `path` (load_htpasswd) and, if it is valid, swaps it in as the table and
  /// empties the cache; calls in progress finish against the table they started with.
  /// On failure the current table and cache stay as they are, the problems are
  /// appended to `problems`, and the error of load_htpasswd is returned. Blocking file
  /// I/O and no crypt; intended for startup and SIGHUP handling.
  [[nodiscard]] boost::system::error_code reload(std::string const& path,
                                                 std::vector<std::string>& problems);

  /// Swaps in `table` and empties the cache, as a successful reload does.
  void replace(htpasswd table);

  /// Number of users in the current table.
  [[nodiscard]] std::size_t user_count() const;

  /// The file the current table came from (htpasswd::source).
  [[nodiscard]] std::string source() const;

  /// How many times crypt ran (once per verify_slow call).
  [[nodiscard]] std::uint64_t hash_count_for_test() const noexcept;

  /// Entries in the credential cache.
  [[nodiscard]] std::size_t cache_size_for_test() const;

 private:
  /// One immutable user table, shared with calls in progress.
  struct snapshot {
    htpasswd table;
    std::string stand_in_hash;  ///< hashed for unknown users
    std::uint64_t generation = 0;
  };

  [[nodiscard]] std::shared_ptr<snapshot const> current() const;

  /// verify_password, counted for hash_count_for_test.
  [[nodiscard]] bool run_crypt(std::string_view password, std::string const& hash);

  credential_cache cache_;
  mutable std::mutex mutex_;  ///< guards snapshot_ and generation_; taken before the cache's
  std::shared_ptr<snapshot const> snapshot_;
  std::uint64_t generation_ = 0;
  std::atomic<std::uint64_t> hash_count_{0};
};

}  // namespace bits::auth
