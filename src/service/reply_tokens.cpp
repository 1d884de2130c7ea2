// Reply tokens: a mutex-guarded map, and the reply URL built from one.
#include "service/reply_tokens.hpp"

#include "core/upload_path.hpp"
#include "service/notification.hpp"

namespace bits::service {

void reply_tokens::add(storage::session_record const& rec) {
  if (rec.reply_token.empty()) return;
  std::lock_guard lock(mu_);
  sessions_.insert_or_assign(rec.reply_token, rec.id);
}

void reply_tokens::remove(storage::session_record const& rec) {
  if (rec.reply_token.empty()) return;
  std::lock_guard lock(mu_);
  sessions_.erase(rec.reply_token);
}

std::optional<core::session_id> reply_tokens::find(std::string_view token) const {
  std::lock_guard lock(mu_);
  auto const it = sessions_.find(std::string(token));
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

std::string reply_url(storage::session_record const& rec, std::string_view vdir_url,
                      std::string_view scheme, std::string_view host) {
  if (!rec.reply_url.empty()) return rec.reply_url;  // the application's static URL
  // Unguessable and per session; never the session id itself (reference 7.5).
  return absolute_url(
      scheme, host,
      std::string(vdir_url) + std::string(core::reserved_name_prefix) + "reply/" + rec.reply_token);
}

}  // namespace bits::service
