// Mechanism OIDs and GSSAPI status text for the Negotiate acceptor.
#include "auth/gss_internal.hpp"

#include <cstring>

namespace bits::auth::detail {
namespace {

// The DER contents of each OID (what gss_OID_desc holds), written out once here.
gss_OID_desc krb5_desc{9, const_cast<char*>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x02")};
gss_OID_desc spnego_desc{6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};
gss_OID_desc ntlm_desc{10, const_cast<char*>("\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a")};

// gss_display_status yields one message per call; a status can hold several.
void append_status(std::string& out, OM_uint32 code, int type) {
  OM_uint32 context = 0;
  bool first = true;
  do {
    OM_uint32 minor = 0;
    gss_buffer_desc text{0, nullptr};
    OM_uint32 const major = gss_display_status(&minor, code, type, GSS_C_NO_OID, &context, &text);
    if (GSS_ERROR(major)) break;
    if (!first) out += "; ";
    out.append(static_cast<char const*>(text.value), text.length);
    first = false;
    gss_release_buffer(&minor, &text);
  } while (context != 0);
}

}  // namespace

gss_OID krb5_oid() noexcept {
  return &krb5_desc;
}

gss_OID spnego_oid() noexcept {
  return &spnego_desc;
}

gss_OID ntlm_oid() noexcept {
  return &ntlm_desc;
}

bool same_oid(gss_const_OID a, gss_const_OID b) noexcept {
  return a != nullptr && b != nullptr && a->length == b->length &&
         std::memcmp(a->elements, b->elements, a->length) == 0;
}

std::string status_message(std::string_view call, OM_uint32 major, OM_uint32 minor) {
  std::string out(call);
  out += ": ";
  append_status(out, major, GSS_C_GSS_CODE);
  if (minor != 0) {
    out += " (";
    append_status(out, minor, GSS_C_MECH_CODE);
    out += ')';
  }
  return out;
}

gss_credentials::~gss_credentials() {
  OM_uint32 minor = 0;
  if (negotiate != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &negotiate);
  if (ntlm != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &ntlm);
}

}  // namespace bits::auth::detail
