// Who a Negotiate or NTLM exchange authenticated, and the `allow` list that decides
// who may upload. Names follow Windows: `user@REALM` from Kerberos (alice@EXAMPLE.TEST,
// WS01$@EXAMPLE.TEST for a machine account), `DOMAIN\user` from NTLM. Pure, no GSSAPI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bits::auth {

/// The mechanism that authenticated a client.
enum class negotiate_mechanism {
  kerberos,  ///< Kerberos 5 (1.2.840.113554.1.2.2), alone or inside SPNEGO
  ntlm,      ///< NTLMSSP through gss-ntlmssp (1.3.6.1.4.1.311.2.2.10)
};

/// "Kerberos" or "NTLM".
[[nodiscard]] std::string_view mechanism_name(negotiate_mechanism mech) noexcept;

/// Which form of the name owns sessions and counts against per-principal limits.
enum class principal_format {
  full,  ///< alice@EXAMPLE.TEST, TESTDOM\bob
  user,  ///< alice, bob (two realms' alices become one principal)
};

/// The parts of an authenticated name.
struct principal_parts {
  std::string user;   ///< alice, WS01$, alice/admin; never empty for a valid name
  std::string realm;  ///< EXAMPLE.TEST or TESTDOM; empty when the name has none
};

/// Splits a Kerberos name at its last unescaped '@' ("alice@EXAMPLE.TEST"), or an NTLM
/// name at its first '\' ("TESTDOM\bob"). A name with neither is all user. Pure.
[[nodiscard]] principal_parts split_principal(std::string_view name);

/// An authenticated client.
struct negotiate_identity {
  std::string name;   ///< as the mechanism reports it: alice@EXAMPLE.TEST, TESTDOM\bob
  std::string user;   ///< bare user name: alice, WS01$, bob
  std::string realm;  ///< Kerberos realm or NTLM domain (may be empty for NTLM)
  negotiate_mechanism mechanism = negotiate_mechanism::kerberos;

  /// `name` for principal_format::full, `user` for principal_format::user.
  [[nodiscard]] std::string const& principal(principal_format format) const noexcept {
    return format == principal_format::user ? user : name;
  }
};

/// Who may upload: a list of rules, each of
///   `alice@EXAMPLE.TEST` or `TESTDOM\bob`  that one principal;
///   `*@EXAMPLE.TEST` or `TESTDOM\*`        every user of that realm or NTLM domain;
///   `*$@EXAMPLE.TEST` or `TESTDOM\*$`      every machine account (name ending in '$');
///   `*`                                    every authenticated client.
/// `user@REALM` and `REALM\user` are two spellings of the same rule, as in Windows
/// logons; a rule without realm (`alice`) matches that user in any realm.
///
/// Case: Windows compares user names and domain names without regard to case (and
/// Active Directory hands out tickets in the case the user typed at logon), so both
/// parts are compared ASCII-case-insensitively; bytes outside ASCII must match exactly.
class principal_allow_list {
 public:
  /// An empty list: allows nobody.
  principal_allow_list() = default;

  /// Parses `rules`; each malformed rule (empty, empty user or realm part, '*' inside a
  /// name, control characters) is reported in `problems` as "allow rule N: ..." and
  /// left out.
  static principal_allow_list parse(std::vector<std::string> const& rules,
                                    std::vector<std::string>& problems);

  /// True when some rule matches `name` (a name as negotiate_identity::name holds it).
  [[nodiscard]] bool allows(std::string_view name) const;

  [[nodiscard]] bool empty() const noexcept { return rules_.empty(); }

 private:
  struct rule {
    enum class user_kind { exact, any, machine } kind = user_kind::exact;
    std::string user;   ///< for exact
    std::string realm;  ///< empty = any realm
  };

  std::vector<rule> rules_;
};

/// True when `a` and `b` name the same principal by the rules above (same user and
/// realm, ASCII case ignored, either spelling). For session ownership. Pure.
[[nodiscard]] bool same_principal(std::string_view a, std::string_view b);

}  // namespace bits::auth
