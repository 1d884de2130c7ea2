// The Kerberos realm the Negotiate tests run against (scripts/krb5-realm.sh): a real MIT
// KDC on loopback with the principals, keytabs, ticket caches and NTLM user files that
// the script's header lists.
#pragma once

#include <string>

namespace bits::test {

struct krb5_realm {
  std::string dir;    ///< the realm's folder
  std::string realm;  ///< EXAMPLE.TEST

  /// dir + "/" + name, e.g. file("http.keytab").
  [[nodiscard]] std::string file(std::string const& name) const { return dir + "/" + name; }
};

/// The realm of this test run, with this process pointed at it: KRB5_CONFIG and
/// KRB5_KDC_PROFILE name its files, KRB5CCNAME and KRB5_KTNAME name files that do not
/// exist (no default credentials), NTLM_USER_FILE is unset. Call it before any GSSAPI
/// call (the krb5 library reads KRB5_CONFIG when it makes a context).
///
/// Under ctest the realm is the CTest fixture's ("krb5", started once per run; its env
/// file is named by BITS_KRB5_ENV). A test binary run by hand starts its own realm on
/// first use and stops it at exit. Fails the test (fatal) if neither works.
[[nodiscard]] krb5_realm const& krb5();

}  // namespace bits::test
