// Upload-reply (reference 7.5): the unguessable tokens that name the replies of a
// virtual directory's sessions in their reply URLs, and those URLs.
#pragma once

#include "core/session_id.hpp"
#include "storage/upload_store.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bits::service {

/// Reply token -> session. One mutex of its own, held only for the map.
class reply_tokens {
 public:
  /// Remembers the token of `rec`, if it has one.
  void add(storage::session_record const& rec);
  /// Forgets the token of `rec`, if it has one.
  void remove(storage::session_record const& rec);
  /// The session whose reply `token` names.
  [[nodiscard]] std::optional<core::session_id> find(std::string_view token) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, core::session_id> sessions_;
};

/// The BITS-Reply-URL of a session that has replied: the application's static URL, or
/// `scheme://host<vdir_url>.bits-reply/<token>`.
[[nodiscard]] std::string reply_url(storage::session_record const& rec, std::string_view vdir_url,
                                    std::string_view scheme, std::string_view host);

}  // namespace bits::service
