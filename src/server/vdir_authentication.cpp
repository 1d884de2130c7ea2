// Settings -> the policy: files are read here, so a bad one stops start-up.
#include "server/vdir_authentication.hpp"

#include "auth/htpasswd.hpp"
#include "server/basic_authentication.hpp"
#include "server/windows_authentication.hpp"

#include <algorithm>

namespace bits::server {

vdir_authentication make_vdir_authentication(settings::vdir_settings const& v) {
  using settings::auth_kind;
  vdir_authentication out;
  if (v.auth.anonymous()) return out;

  std::shared_ptr<basic_authentication> basic;
  if (v.auth.has(auth_kind::basic)) {
    std::vector<std::string> problems;
    auto table = auth::load_htpasswd(v.htpasswd, problems);
    for (auto& p : problems) out.errors.push_back(std::move(p));
    if (!table) {
      out.errors.push_back("htpasswd " + v.htpasswd + ": " + table.error().message());
      return out;
    }
    basic = std::make_shared<basic_authentication>(std::move(*table), v.realm);
  }

  windows_auth_options w;
  w.negotiate = v.auth.has(auth_kind::negotiate);
  w.ntlm = v.auth.has(auth_kind::ntlm);
  if (w.negotiate || w.ntlm) {
    auth::negotiate_options const options{v.keytab, v.service_principal, v.ntlm_users,
                                          v.replay_cache};
    auto acceptor = auth::negotiate_acceptor::create(options);
    if (!acceptor) {
      out.errors.push_back(acceptor.error().describe());
      return out;
    }
    w.acceptor = std::move(*acceptor);
    for (auto const& warning : w.acceptor->warnings()) out.warnings.push_back(warning);
    if (w.acceptor->kerberos_enabled()) {
      out.notes.push_back("Kerberos as " + w.acceptor->service_principal());
    }
    if (w.acceptor->ntlm_enabled()) out.notes.push_back("NTLM with " + v.ntlm_users);
  }
  if (!v.allow.empty()) {
    std::vector<std::string> problems;
    auto list = auth::principal_allow_list::parse(v.allow, problems);
    for (auto& p : problems) out.errors.push_back(std::move(p));
    w.allow = std::move(list);
  }
  if (!out.ok()) return out;

  if (!w.acceptor && !w.allow) {
    out.auth = std::move(basic);  // Basic alone, as before
    return out;
  }
  auto const& kinds = v.auth.kinds;
  auto const first_windows = std::find_if(kinds.begin(), kinds.end(), [](auth_kind k) {
    return k == auth_kind::negotiate || k == auth_kind::ntlm;
  });
  auto const basic_at = std::find(kinds.begin(), kinds.end(), auth_kind::basic);
  w.basic = std::move(basic);
  w.basic_first = basic_at < first_windows;
  w.format = v.principal_format == settings::principal_format::user ? auth::principal_format::user
                                                                    : auth::principal_format::full;
  out.auth = std::make_shared<windows_authentication>(std::move(w));
  return out;
}

}  // namespace bits::server
