// A GSSAPI initiator from explicit credentials (cred store), never from the defaults.
#include "negotiate/gss_initiator.hpp"

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include <utility>
#include <vector>

namespace bits::test {
namespace {

gss_OID_desc krb5_desc{9, const_cast<char*>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x02")};
gss_OID_desc spnego_desc{6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};
gss_OID_desc ntlm_desc{10, const_cast<char*>("\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a")};

std::string status_text(char const* call, OM_uint32 major, OM_uint32 minor) {
  std::string out = std::string(call) + ":";
  for (auto [code, type] : {std::pair{major, GSS_C_GSS_CODE}, std::pair{minor, GSS_C_MECH_CODE}}) {
    OM_uint32 context = 0;
    do {
      OM_uint32 m = 0;
      gss_buffer_desc text{0, nullptr};
      if (GSS_ERROR(gss_display_status(&m, code, type, GSS_C_NO_OID, &context, &text))) break;
      out += " ";
      out.append(static_cast<char const*>(text.value), text.length);
      gss_release_buffer(&m, &text);
    } while (context != 0);
  }
  return out;
}

}  // namespace

gss_initiator::gss_initiator(initiator_options options) : options_(std::move(options)) {
  OM_uint32 minor = 0;
  bool const ntlm = !options_.ntlm_user.empty();
  gss_OID const mech = ntlm ? &ntlm_desc : &krb5_desc;
  std::string const ccache = "FILE:" + options_.ccache;
  std::vector<gss_key_value_element_desc> elements;
  if (ntlm) {
    elements.push_back({"ntlmssp_keyfile", options_.ntlm_file.c_str()});
  } else {
    elements.push_back({"ccache", ccache.c_str()});
  }
  gss_key_value_set_desc store{static_cast<OM_uint32>(elements.size()), elements.data()};

  gss_name_t user = GSS_C_NO_NAME;
  if (ntlm) {
    gss_buffer_desc text{options_.ntlm_user.size(), options_.ntlm_user.data()};
    OM_uint32 const major = gss_import_name(&minor, &text, GSS_C_NT_USER_NAME, &user);
    if (GSS_ERROR(major)) error_ = status_text("gss_import_name", major, minor);
  }
  gss_OID_set_desc mechs{1, options_.spnego ? &spnego_desc : mech};
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  OM_uint32 major = gss_acquire_cred_from(&minor, user, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                                          &store, &cred, nullptr, nullptr);
  if (user != GSS_C_NO_NAME) gss_release_name(&minor, &user);
  if (GSS_ERROR(major)) {
    error_ = status_text("gss_acquire_cred_from", major, minor);
    return;
  }
  cred_ = cred;
  if (options_.spnego) {
    gss_OID_set_desc only{1, mech};  // SPNEGO offers just this mechanism
    major = gss_set_neg_mechs(&minor, cred, &only);
    if (GSS_ERROR(major)) error_ = status_text("gss_set_neg_mechs", major, minor);
  }
  gss_buffer_desc text{options_.target.size(), options_.target.data()};
  gss_name_t target = GSS_C_NO_NAME;
  major = gss_import_name(&minor, &text, GSS_C_NT_HOSTBASED_SERVICE, &target);
  if (GSS_ERROR(major)) error_ = status_text("gss_import_name", major, minor);
  target_ = target;
}

gss_initiator::~gss_initiator() {
  OM_uint32 minor = 0;
  gss_ctx_id_t context = context_;
  if (context != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &context, GSS_C_NO_BUFFER);
  gss_name_t target = target_;
  if (target != GSS_C_NO_NAME) gss_release_name(&minor, &target);
  gss_cred_id_t cred = cred_;
  if (cred != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &cred);
}

std::optional<std::string> gss_initiator::step(std::string_view server_token) {
  if (!error_.empty()) return std::nullopt;
  bool const ntlm = !options_.ntlm_user.empty();
  gss_OID const mech = options_.spnego ? &spnego_desc : ntlm ? &ntlm_desc : &krb5_desc;
  gss_buffer_desc input{server_token.size(), const_cast<char*>(server_token.data())};
  gss_buffer_desc output{0, nullptr};
  gss_ctx_id_t context = context_;
  OM_uint32 minor = 0;
  OM_uint32 const major = gss_init_sec_context(
      &minor, cred_, &context, target_, mech, GSS_C_MUTUAL_FLAG, GSS_C_INDEFINITE,
      GSS_C_NO_CHANNEL_BINDINGS, server_token.empty() ? GSS_C_NO_BUFFER : &input, nullptr, &output,
      nullptr, nullptr);
  context_ = context;
  std::string token(static_cast<char const*>(output.value), output.length);
  gss_release_buffer(&minor, &output);
  if (GSS_ERROR(major)) {
    error_ = status_text("gss_init_sec_context", major, minor);
    return std::nullopt;
  }
  complete_ = (major & GSS_S_CONTINUE_NEEDED) == 0;
  return token;
}

}  // namespace bits::test
