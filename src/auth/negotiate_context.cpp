// Stepping one security context with gss_accept_sec_context, and turning its outcome
// into a reply token, an identity, or a failure that says why.
#include "auth/negotiate_context.hpp"

#include "auth/base64.hpp"
#include "auth/gss_internal.hpp"

#include <algorithm>
#include <utility>

namespace bits::auth {
namespace {

// Raw NTLMSSP messages begin with this signature (MS-NLMP 2.2.1).
constexpr std::string_view ntlmssp_signature{"NTLMSSP\0", 8};

// Which mechanism a token is for, for messages only (GSSAPI does not say when a SPNEGO
// step fails): the earliest of the Kerberos OIDs (Windows lists Microsoft's variant
// first), the NTLM OID and the NTLMSSP signature (inside a SPNEGO response) wins.
std::optional<negotiate_mechanism> guess_mechanism(std::string_view token) {
  constexpr std::string_view krb5_der{"\x06\x09\x2a\x86\x48\x86\xf7\x12\x01\x02\x02", 11};
  constexpr std::string_view ms_krb5_der{"\x06\x09\x2a\x86\x48\x82\xf7\x12\x01\x02\x02", 11};
  constexpr std::string_view ntlm_der{"\x06\x0a\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a", 12};
  std::optional<negotiate_mechanism> found;
  auto first = std::string_view::npos;
  for (auto const& [needle, mech] : {std::pair{krb5_der, negotiate_mechanism::kerberos},
                                     std::pair{ms_krb5_der, negotiate_mechanism::kerberos},
                                     std::pair{ntlm_der, negotiate_mechanism::ntlm},
                                     std::pair{ntlmssp_signature, negotiate_mechanism::ntlm}}) {
    auto const at = token.find(needle);
    if (at < first) {
      first = at;
      found = mech;
    }
  }
  return found;
}

std::optional<negotiate_mechanism> mechanism_of(gss_const_OID mech) {
  if (detail::same_oid(mech, detail::krb5_oid())) return negotiate_mechanism::kerberos;
  if (detail::same_oid(mech, detail::ntlm_oid())) return negotiate_mechanism::ntlm;
  return std::nullopt;
}

std::string display_name(gss_name_t name) {
  OM_uint32 minor = 0;
  gss_buffer_desc text{0, nullptr};
  if (GSS_ERROR(gss_display_name(&minor, name, &text, nullptr))) return {};
  std::string out(static_cast<char const*>(text.value), text.length);
  gss_release_buffer(&minor, &text);
  // gss-ntlmssp counts the terminating NUL of "DOMAIN\user" in the length.
  while (!out.empty() && (out.back() == '\0' || out.back() == ' ')) out.pop_back();
  return out;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// gss-ntlmssp's minor codes are errno values whose text does not say what happened.
std::string ntlm_hint(std::string const& message) {
  if (message.ends_with("(Invalid argument)")) {
    return "; for NTLM this means the response does not match the user's password";
  }
  if (message.ends_with("(No such file or directory)")) {
    return "; for NTLM this means the user is not in ntlm_users";
  }
  return {};
}

}  // namespace

negotiate_context::negotiate_context(std::shared_ptr<detail::gss_credentials const> credentials,
                                     negotiate_scheme scheme) noexcept
    : credentials_(std::move(credentials)), scheme_(scheme) {}

negotiate_context::negotiate_context(negotiate_context&& other) noexcept
    : credentials_(std::move(other.credentials_)),
      context_(std::exchange(other.context_, nullptr)),
      scheme_(other.scheme_),
      state_(other.state_),
      mechanism_(other.mechanism_),
      identity_(std::move(other.identity_)) {}

negotiate_context& negotiate_context::operator=(negotiate_context&& other) noexcept {
  if (this != &other) {
    release();
    credentials_ = std::move(other.credentials_);
    context_ = std::exchange(other.context_, nullptr);
    scheme_ = other.scheme_;
    state_ = other.state_;
    mechanism_ = other.mechanism_;
    identity_ = std::move(other.identity_);
  }
  return *this;
}

negotiate_context::~negotiate_context() {
  release();
}

void negotiate_context::release() noexcept {
  if (context_ != nullptr) {
    OM_uint32 minor = 0;
    gss_ctx_id_t ctx = context_;
    gss_delete_sec_context(&minor, &ctx, GSS_C_NO_BUFFER);
    context_ = nullptr;
  }
}

negotiate_failure negotiate_context::fail(negotiate_failure failure) {
  state_ = negotiate_state::failed;
  release();
  if (mechanism_) {
    failure.message = std::string(mechanism_name(*mechanism_)) + ": " + failure.message;
  }
  return failure;
}

negotiate_result<negotiate_step> negotiate_context::step(std::string_view token) {
  if (state_ == negotiate_state::complete || state_ == negotiate_state::failed) {
    return negotiate_failure{negotiate_errc::context_finished, 0, 0,
                             "this context has ended; begin a new one"};
  }
  if (token.empty()) {
    return fail({negotiate_errc::bad_token, 0, 0, "empty token"});
  }
  gss_cred_id_t const cred =
      scheme_ == negotiate_scheme::ntlm ? credentials_->ntlm : credentials_->negotiate;
  if (cred == GSS_C_NO_CREDENTIAL) {
    return fail({negotiate_errc::bad_token, 0, 0, "NTLM is not enabled (no ntlm_users)"});
  }
  if (!mechanism_) mechanism_ = guess_mechanism(token);

  gss_buffer_desc input{token.size(), const_cast<char*>(token.data())};
  gss_buffer_desc output{0, nullptr};
  gss_ctx_id_t ctx = context_;
  gss_name_t source = GSS_C_NO_NAME;
  gss_OID mech = GSS_C_NO_OID;
  OM_uint32 minor = 0;
  // No channel bindings and no delegated credential: the client's forwarded TGT, if
  // it sends one, is discarded by GSSAPI.
  OM_uint32 const major =
      gss_accept_sec_context(&minor, &ctx, cred, &input, GSS_C_NO_CHANNEL_BINDINGS, &source, &mech,
                             &output, nullptr, nullptr, nullptr);
  context_ = ctx;
  if (auto const m = mechanism_of(mech)) mechanism_ = m;
  std::string reply;
  if (output.length > 0) {
    reply = encode_base64({static_cast<char const*>(output.value), output.length});
  }
  OM_uint32 ignored = 0;
  gss_release_buffer(&ignored, &output);

  if (GSS_ERROR(major)) {
    if (source != GSS_C_NO_NAME) gss_release_name(&ignored, &source);
    OM_uint32 const routine = GSS_ROUTINE_ERROR(major);
    // A token no accepting mechanism of this scheme can read (garbage, a raw Kerberos
    // token under NTLM, NTLM when it is off) differs from a refused client.
    bool const unreadable =
        routine == GSS_S_DEFECTIVE_TOKEN || routine == GSS_S_BAD_MECH || routine == GSS_S_NO_CRED;
    std::string message = detail::status_message("gss_accept_sec_context", major, minor);
    if (mechanism_ == negotiate_mechanism::ntlm) message += ntlm_hint(message);
    return fail({unreadable ? negotiate_errc::bad_token : negotiate_errc::rejected, major, minor,
                 std::move(message)});
  }
  if ((major & GSS_S_CONTINUE_NEEDED) != 0) {
    if (source != GSS_C_NO_NAME) gss_release_name(&ignored, &source);
    state_ = negotiate_state::continue_needed;
    return negotiate_step{false, std::move(reply)};
  }

  negotiate_identity who;
  who.name = display_name(source);
  gss_release_name(&ignored, &source);
  who.mechanism = mechanism_.value_or(negotiate_mechanism::kerberos);
  if (who.name.empty() || has_control(who.name)) {
    return fail({negotiate_errc::rejected, 0, 0, "the client's name is empty or unprintable"});
  }
  principal_parts parts = split_principal(who.name);
  who.user = std::move(parts.user);
  who.realm = std::move(parts.realm);
  if (who.mechanism == negotiate_mechanism::kerberos && !credentials_->required_realm.empty()) {
    // The host-based acceptor name matches keys of every realm in the keytab.
    gss_name_t target = GSS_C_NO_NAME;
    std::string server;
    if (!GSS_ERROR(gss_inquire_context(&ignored, ctx, nullptr, &target, nullptr, nullptr, nullptr,
                                       nullptr, nullptr))) {
      server = display_name(target);
      gss_release_name(&ignored, &target);
    }
    if (!same_principal("x@" + split_principal(server).realm,
                        "x@" + credentials_->required_realm)) {
      return fail({negotiate_errc::rejected, 0, 0,
                   "the ticket is for " + (server.empty() ? std::string("?") : server) +
                       ", not for " + credentials_->service_principal});
    }
  }
  identity_ = std::move(who);
  state_ = negotiate_state::complete;
  release();  // nothing is wrapped or unwrapped with the context afterwards
  return negotiate_step{true, std::move(reply)};
}

}  // namespace bits::auth
