// Acquiring the acceptor credentials. Everything a credential needs travels in its
// cred store (gss_acquire_cred_from): the keytab ("keytab"), the replay cache
// ("rcache") and gss-ntlmssp's user file ("ntlmssp_keyfile"), so nothing depends on
// process-wide environment variables and two acceptors never share files by accident.
#include "auth/negotiate_acceptor.hpp"

#include "auth/gss_internal.hpp"
#include "auth/ntlm_users.hpp"

#include <gssapi/gssapi_ext.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

namespace bits::auth {
namespace {

using detail::gss_credentials;

negotiate_failure failure(negotiate_errc kind, std::string message, OM_uint32 major = 0,
                          OM_uint32 minor = 0) {
  return negotiate_failure{kind, major, minor, std::move(message)};
}

struct service_name {
  std::string service;  ///< HTTP
  std::string host;     ///< empty = any host
  std::string realm;    ///< empty = any realm
};

std::string default_service_principal() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0') return "HTTP/localhost";
  return std::string("HTTP/") + host.data();
}

negotiate_result<service_name> parse_service_principal(std::string const& text) {
  auto const bad = [&](char const* why) {
    return failure(negotiate_errc::invalid_options,
                   "service_principal \"" + text + "\": " + why +
                       " (expected SERVICE/host, SERVICE/host@REALM or SERVICE/*)");
  };
  auto const slash = text.find('/');
  if (slash == std::string::npos) return bad("no '/'");
  service_name out;
  out.service = text.substr(0, slash);
  std::string rest = text.substr(slash + 1);
  if (auto const at = rest.find('@'); at != std::string::npos) {
    out.realm = rest.substr(at + 1);
    rest.resize(at);
    if (out.realm.empty()) return bad("empty realm");
  }
  out.host = rest == "*" ? std::string() : rest;
  if (out.service.empty()) return bad("empty service");
  if (rest.empty()) return bad("empty host");
  for (std::string const* part : {&out.service, &out.host, &out.realm}) {
    for (char const c : *part) {
      auto const u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7f || c == '/' || c == '@' || c == '\\' || c == '*') {
        return bad("a name part holds a character principals cannot have here");
      }
    }
  }
  return out;
}

std::string errno_text(int e) {
  return std::strerror(e);  // NOLINT(concurrency-mt-unsafe): start-up only
}

// The store every credential of this acceptor is acquired from. The strings live in
// the caller's frame as long as the store is used.
struct cred_store {
  std::string keytab;
  std::string rcache;
  std::string ntlm_users;
  std::vector<gss_key_value_element_desc> elements;

  gss_key_value_set_desc set() {
    elements.clear();
    if (!keytab.empty()) {
      elements.push_back({"keytab", keytab.c_str()});
      elements.push_back({"rcache", rcache.c_str()});
    }
    if (!ntlm_users.empty()) elements.push_back({"ntlmssp_keyfile", ntlm_users.c_str()});
    return {static_cast<OM_uint32>(elements.size()), elements.data()};
  }
};

// A GSS name released on scope exit.
struct owned_name {
  gss_name_t name = GSS_C_NO_NAME;
  owned_name() = default;
  owned_name(owned_name const&) = delete;
  owned_name& operator=(owned_name const&) = delete;
  ~owned_name() {
    OM_uint32 minor = 0;
    if (name != GSS_C_NO_NAME) gss_release_name(&minor, &name);
  }
};

// Acquires an accepting credential for `mechs`. A host-based name (service@host) is
// the one form both krb5 and gss-ntlmssp import; with it krb5 matches keytab entries
// of any realm, and an empty host matches any host.
negotiate_result<gss_cred_id_t> acquire(gss_name_t name, std::vector<gss_OID_desc> mechs,
                                        cred_store& store, std::string const& what) {
  gss_OID_set_desc set{mechs.size(), mechs.data()};
  gss_key_value_set_desc const values = store.set();
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  gss_OID_set actual = GSS_C_NO_OID_SET;
  OM_uint32 minor = 0;
  OM_uint32 const major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, &set, GSS_C_ACCEPT,
                                                &values, &cred, &actual, nullptr);
  if (GSS_ERROR(major)) {
    return failure(negotiate_errc::credentials_unavailable,
                   what + ": " + detail::status_message("gss_acquire_cred_from", major, minor),
                   major, minor);
  }
  // The glue succeeds when any one mechanism does; we need every one asked for.
  bool complete = true;
  for (auto& mech : mechs) {
    int present = 0;
    OM_uint32 m = 0;
    gss_test_oid_set_member(&m, &mech, actual, &present);
    complete = complete && present != 0;
  }
  OM_uint32 m = 0;
  gss_release_oid_set(&m, &actual);
  if (!complete) {
    gss_release_cred(&m, &cred);
    return failure(negotiate_errc::credentials_unavailable,
                   what + ": a mechanism could not be acquired");
  }
  return cred;
}

}  // namespace

negotiate_acceptor::~negotiate_acceptor() = default;

std::string const& negotiate_acceptor::service_principal() const noexcept {
  return credentials_->service_principal;
}

negotiate_result<std::shared_ptr<negotiate_acceptor const>> negotiate_acceptor::create(
    negotiate_options const& options) {
  if (options.keytab.empty() && options.ntlm_users.empty()) {
    return failure(negotiate_errc::invalid_options,
                   "neither a keytab (Kerberos) nor ntlm_users (NTLM) is set");
  }
  auto credentials = std::make_shared<gss_credentials>();
  credentials->service_principal =
      options.service_principal.empty() ? default_service_principal() : options.service_principal;
  auto parsed = parse_service_principal(credentials->service_principal);
  if (!parsed) return parsed.error();
  credentials->required_realm = parsed->realm;

  owned_name name;
  std::string const host_based = parsed->service + "@" + parsed->host;
  gss_buffer_desc text{host_based.size(), const_cast<char*>(host_based.data())};
  OM_uint32 minor = 0;
  OM_uint32 major = gss_import_name(&minor, &text, GSS_C_NT_HOSTBASED_SERVICE, &name.name);
  if (GSS_ERROR(major)) {
    return failure(negotiate_errc::invalid_options,
                   "service_principal " + credentials->service_principal + ": " +
                       detail::status_message("gss_import_name", major, minor),
                   major, minor);
  }

  cred_store store;
  std::vector<gss_OID_desc> mechs;
  std::vector<std::string> warnings;
  if (!options.keytab.empty()) {
    // GSSAPI says only "No key table entry found" for a keytab it cannot open.
    if (::access(options.keytab.c_str(), R_OK) != 0) {
      return failure(negotiate_errc::credentials_unavailable,
                     "keytab " + options.keytab + ": " + errno_text(errno));
    }
    store.keytab = "FILE:" + options.keytab;
    store.rcache = options.replay_cache.empty() ? "none:" : "file2:" + options.replay_cache;
    // Alone first: with SPNEGO in the set, a krb5 failure would only show as a
    // missing mechanism, without GSSAPI's reason.
    auto krb5 = acquire(name.name, {*detail::krb5_oid()}, store,
                        "keytab " + options.keytab + ", " + credentials->service_principal);
    if (!krb5) return krb5.error();
    gss_release_cred(&minor, &*krb5);
    mechs.push_back(*detail::krb5_oid());
  }
  if (!options.ntlm_users.empty()) {
    // gss-ntlmssp reads the file only at logon time, and then does not say which file
    // it could not read: check it now, so that start-up reports it.
    auto users = check_ntlm_users(options.ntlm_users);
    if (!users) return users.error();
    warnings = std::move(users->warnings);
    store.ntlm_users = options.ntlm_users;
    auto ntlm =
        acquire(name.name, {*detail::ntlm_oid()}, store, "ntlm_users " + options.ntlm_users);
    if (!ntlm) return ntlm.error();
    credentials->ntlm = *ntlm;
    mechs.push_back(*detail::ntlm_oid());
  }

  // SPNEGO plus the mechanisms themselves: SPNEGO takes framed Negotiate tokens, the
  // glue hands raw Kerberos and raw NTLMSSP tokens (which Windows also sends under
  // `Negotiate`) straight to the mechanism's element of the same credential.
  std::vector<gss_OID_desc> all = mechs;
  all.insert(all.begin(), *detail::spnego_oid());
  auto negotiate = acquire(name.name, all, store, "Negotiate (SPNEGO)");
  if (!negotiate) return negotiate.error();
  credentials->negotiate = *negotiate;
  // SPNEGO would otherwise negotiate every mechanism installed (with the system's
  // default keytab or NTLM_USER_FILE): only the configured ones.
  gss_OID_set_desc allowed{mechs.size(), mechs.data()};
  major = gss_set_neg_mechs(&minor, credentials->negotiate, &allowed);
  if (GSS_ERROR(major)) {
    return failure(negotiate_errc::credentials_unavailable,
                   detail::status_message("gss_set_neg_mechs", major, minor), major, minor);
  }

  std::shared_ptr<negotiate_acceptor> acceptor(new negotiate_acceptor());
  acceptor->kerberos_ = !options.keytab.empty();
  acceptor->ntlm_ = !options.ntlm_users.empty();
  acceptor->credentials_ = std::move(credentials);
  acceptor->warnings_ = std::move(warnings);
  return std::shared_ptr<negotiate_acceptor const>(std::move(acceptor));
}

negotiate_context negotiate_acceptor::begin(negotiate_scheme scheme) const {
  return negotiate_context(credentials_, scheme);
}

}  // namespace bits::auth
