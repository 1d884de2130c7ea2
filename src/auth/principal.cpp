// Principal names and the allow list.
#include "auth/principal.hpp"

#include <algorithm>

namespace bits::auth {
namespace {

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool has_control(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// The last '@' not escaped by '\' (krb5_unparse_name escapes '@' inside components).
std::string_view::size_type last_unescaped_at(std::string_view name) noexcept {
  for (auto i = name.size(); i-- > 0;) {
    if (name[i] != '@') continue;
    std::size_t backslashes = 0;
    for (auto j = i; j-- > 0 && name[j] == '\\';) ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view mechanism_name(negotiate_mechanism mech) noexcept {
  return mech == negotiate_mechanism::ntlm ? "NTLM" : "Kerberos";
}

principal_parts split_principal(std::string_view name) {
  if (auto const at = last_unescaped_at(name); at != std::string_view::npos) {
    return {std::string(name.substr(0, at)), std::string(name.substr(at + 1))};
  }
  if (auto const slash = name.find('\\'); slash != std::string_view::npos) {
    return {std::string(name.substr(slash + 1)), std::string(name.substr(0, slash))};
  }
  return {std::string(name), {}};
}

principal_allow_list principal_allow_list::parse(std::vector<std::string> const& rules,
                                                 std::vector<std::string>& problems) {
  principal_allow_list out;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    std::string_view const text = rules[i];
    auto const fail = [&](std::string_view why) {
      problems.push_back("allow rule " + std::to_string(i + 1) + " \"" +
                         (has_control(text) ? std::string("?") : std::string(text)) +
                         "\": " + std::string(why));
    };
    if (text.empty()) {
      fail("empty");
      continue;
    }
    if (has_control(text)) {
      fail("contains a control character");
      continue;
    }
    if (text == "*") {
      out.rules_.push_back({rule::user_kind::any, {}, {}});
      continue;
    }
    bool const has_realm = last_unescaped_at(text) != std::string_view::npos ||
                           text.find('\\') != std::string_view::npos;
    principal_parts parts = split_principal(text);
    if (parts.user.empty() || (has_realm && parts.realm.empty())) {
      fail("needs user@REALM, REALM\\user, *@REALM or *");
      continue;
    }
    if (parts.realm.find('*') != std::string::npos) {
      fail("the realm cannot hold '*'");
      continue;
    }
    rule r;
    r.realm = std::move(parts.realm);
    if (parts.user == "*") {
      r.kind = rule::user_kind::any;
    } else if (parts.user == "*$") {
      r.kind = rule::user_kind::machine;
    } else if (parts.user.find('*') != std::string::npos) {
      fail("'*' stands only for the whole user name (*@REALM) or every machine (*$@REALM)");
      continue;
    } else {
      r.user = std::move(parts.user);
    }
    out.rules_.push_back(std::move(r));
  }
  return out;
}

bool principal_allow_list::allows(std::string_view name) const {
  if (name.empty()) return false;
  principal_parts const parts = split_principal(name);
  if (parts.user.empty()) return false;
  return std::any_of(rules_.begin(), rules_.end(), [&](rule const& r) {
    if (!r.realm.empty() && !iequals_ascii(r.realm, parts.realm)) return false;
    switch (r.kind) {
      case rule::user_kind::any:
        return true;
      case rule::user_kind::machine:
        return parts.user.size() > 1 && parts.user.back() == '$';
      case rule::user_kind::exact:
        return iequals_ascii(r.user, parts.user);
    }
    return false;
  });
}

bool same_principal(std::string_view a, std::string_view b) {
  principal_parts const pa = split_principal(a);
  principal_parts const pb = split_principal(b);
  return iequals_ascii(pa.user, pb.user) && iequals_ascii(pa.realm, pb.realm);
}

}  // namespace bits::auth
