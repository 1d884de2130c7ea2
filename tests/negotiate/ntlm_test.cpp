// NTLM through gss-ntlmssp, raw (`Authorization: NTLM`) and inside SPNEGO
// (`Authorization: Negotiate`), against per-acceptor user files; and the rule that a
// connection's handshake never lends its identity to another.
#include "auth/base64.hpp"
#include "auth/negotiate_acceptor.hpp"
#include "negotiate/gss_initiator.hpp"
#include "negotiate/handshake.hpp"
#include "negotiate/krb5_realm.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

namespace bits::auth {
namespace {

using test::gss_initiator;
using test::initiator_options;
using test::krb5;
using test::run_handshake;

std::shared_ptr<negotiate_acceptor const> make_acceptor(negotiate_options const& options) {
  auto acceptor = negotiate_acceptor::create(options);
  if (!acceptor) {
    ADD_FAILURE() << acceptor.error().describe();
    return nullptr;
  }
  return *acceptor;
}

negotiate_options ntlm_only() {
  negotiate_options o;
  o.ntlm_users = krb5().file("ntlm_users");
  o.service_principal = "HTTP/localhost";
  return o;
}

negotiate_options kerberos_and_ntlm() {
  negotiate_options o = ntlm_only();
  o.keytab = krb5().file("http.keytab");
  return o;
}

initiator_options ntlm_client(std::string const& user, std::string const& file,
                              bool spnego = false) {
  initiator_options o;
  o.ntlm_user = user;
  o.ntlm_file = krb5().file(file);
  o.spnego = spnego;
  return o;
}

TEST(NegotiateNtlm, RawNtlmIsAcceptedAsDomainBackslashUser) {
  auto acceptor = make_acceptor(ntlm_only());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::ntlm);
  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob"));

  auto const negotiate_message = bob.step({});
  ASSERT_TRUE(negotiate_message) << bob.error();
  auto const challenge = context.step(*negotiate_message);
  ASSERT_TRUE(challenge) << challenge.error().describe();
  EXPECT_FALSE(challenge->complete);  // NTLM needs a second leg on the same connection
  EXPECT_FALSE(challenge->reply_token.empty());
  EXPECT_EQ(context.state(), negotiate_state::continue_needed);
  EXPECT_EQ(context.identity(), nullptr);

  auto const authenticate_message = bob.step(*decode_base64_strict(challenge->reply_token));
  ASSERT_TRUE(authenticate_message) << bob.error();
  auto const done = context.step(*authenticate_message);
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_TRUE(done->complete);
  EXPECT_TRUE(done->reply_token.empty());  // raw NTLM has no final token
  ASSERT_EQ(context.state(), negotiate_state::complete);
  ASSERT_NE(context.identity(), nullptr);
  EXPECT_EQ(context.identity()->name, "TESTDOM\\bob");  // no trailing NUL
  EXPECT_EQ(context.identity()->name.size(), 11U);
  EXPECT_EQ(context.identity()->user, "bob");
  EXPECT_EQ(context.identity()->realm, "TESTDOM");
  EXPECT_EQ(context.identity()->mechanism, negotiate_mechanism::ntlm);
}

TEST(NegotiateNtlm, UserFileOfNtHashesNeedsNoWarning) {
  auto acceptor = make_acceptor(ntlm_only());  // smbpasswd lines
  ASSERT_TRUE(acceptor);
  EXPECT_TRUE(acceptor->warnings().empty()) << acceptor->warnings().front();
}

TEST(NegotiateNtlm, UserFileOfPlainPasswordsWorksWithAWarning) {
  auto options = ntlm_only();
  options.ntlm_users = krb5().file("ntlm_users_plain");
  auto acceptor = make_acceptor(options);
  ASSERT_TRUE(acceptor);
  ASSERT_EQ(acceptor->warnings().size(), 1U);
  EXPECT_NE(acceptor->warnings()[0].find("plain-text password"), std::string::npos)
      << acceptor->warnings()[0];
  EXPECT_EQ(acceptor->warnings()[0].find("bobntlmpw"), std::string::npos);
  auto context = acceptor->begin(negotiate_scheme::ntlm);
  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob"));
  auto const outcome = run_handshake(context, bob);
  ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
  EXPECT_EQ(context.identity()->name, "TESTDOM\\bob");
}

TEST(NegotiateNtlm, NtlmInsideNegotiateIsAcceptedWithMechListMic) {
  auto acceptor = make_acceptor(kerberos_and_ntlm());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob", /*spnego=*/true));
  auto const outcome = run_handshake(context, bob);
  ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
  EXPECT_EQ(outcome.server_steps, 2);
  EXPECT_FALSE(outcome.last->reply_token.empty());  // SPNEGO's accept-completed
  EXPECT_TRUE(outcome.client_complete) << outcome.client_error;
  ASSERT_NE(context.identity(), nullptr);
  EXPECT_EQ(context.identity()->name, "TESTDOM\\bob");
  EXPECT_EQ(context.identity()->mechanism, negotiate_mechanism::ntlm);
}

TEST(NegotiateNtlm, RawNtlmUnderNegotiateIsAccepted) {
  // What Windows sends under `Negotiate` when it knows only NTLM can work.
  auto acceptor = make_acceptor(kerberos_and_ntlm());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator bob(ntlm_client("bob", "ntlm_client_bob"));
  auto const outcome = run_handshake(context, bob);
  ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
  ASSERT_NE(context.identity(), nullptr);
  EXPECT_EQ(context.identity()->name, "TESTDOM\\bob");
}

TEST(NegotiateNtlm, WrongPasswordIsRefusedSayingSo) {
  auto acceptor = make_acceptor(ntlm_only());
  ASSERT_TRUE(acceptor);
  for (bool const spnego : {false, true}) {
    auto context = acceptor->begin(spnego ? negotiate_scheme::negotiate : negotiate_scheme::ntlm);
    gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_wrong", spnego));
    auto const outcome = run_handshake(context, bob);
    ASSERT_FALSE(outcome.last) << "spnego=" << spnego;
    EXPECT_EQ(outcome.last.error().kind, negotiate_errc::rejected);
    EXPECT_NE(outcome.last.error().message.find("password"), std::string::npos)
        << outcome.last.error().message;
    EXPECT_EQ(outcome.last.error().message.rfind("NTLM: ", 0), 0U) << outcome.last.error().message;
    EXPECT_EQ(context.identity(), nullptr);
  }
}

TEST(NegotiateNtlm, UnknownUserIsRefused) {
  test::temp_dir dir;
  std::ofstream(dir / "dave") << "TESTDOM:dave:davepw\n";
  auto acceptor = make_acceptor(ntlm_only());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::ntlm);
  auto options = ntlm_client("TESTDOM\\dave", "unused");
  options.ntlm_file = (dir / "dave").string();
  gss_initiator dave(options);
  auto const outcome = run_handshake(context, dave);
  ASSERT_FALSE(outcome.last);
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::rejected);
  EXPECT_NE(outcome.last.error().message.find("not in ntlm_users"), std::string::npos)
      << outcome.last.error().message;
}

TEST(NegotiateNtlm, NtlmSchemeTakesNoKerberosToken) {
  auto acceptor = make_acceptor(kerberos_and_ntlm());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::ntlm);
  initiator_options raw_kerberos;
  raw_kerberos.ccache = krb5().file("alice.ccache");
  raw_kerberos.spnego = false;
  gss_initiator alice(raw_kerberos);
  auto const outcome = run_handshake(context, alice);
  ASSERT_FALSE(outcome.last);
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::bad_token);
  EXPECT_EQ(context.identity(), nullptr);
}

TEST(NegotiateNtlm, WithoutNtlmUsersNtlmIsRefused) {
  negotiate_options kerberos_only;
  kerberos_only.keytab = krb5().file("http.keytab");
  kerberos_only.service_principal = "HTTP/localhost";
  auto acceptor = make_acceptor(kerberos_only);
  ASSERT_TRUE(acceptor);
  EXPECT_FALSE(acceptor->ntlm_enabled());
  for (bool const spnego : {false, true}) {
    auto context = acceptor->begin(negotiate_scheme::negotiate);
    gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob", spnego));
    auto const outcome = run_handshake(context, bob);
    ASSERT_FALSE(outcome.last) << "spnego=" << spnego;
    EXPECT_EQ(context.identity(), nullptr);
  }
  auto context = acceptor->begin(negotiate_scheme::ntlm);
  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob"));
  auto const outcome = run_handshake(context, bob);
  ASSERT_FALSE(outcome.last);
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::bad_token);
  EXPECT_NE(outcome.last.error().message.find("NTLM is not enabled"), std::string::npos);
}

TEST(NegotiateNtlm, EachAcceptorReadsItsOwnUserFile) {
  test::temp_dir dir;
  std::ofstream(dir / "carol_only") << "TESTDOM:carol:carolntlmpw\n";
  auto everyone = make_acceptor(ntlm_only());
  auto options = ntlm_only();
  options.ntlm_users = (dir / "carol_only").string();
  auto carol_only = make_acceptor(options);
  ASSERT_TRUE(everyone && carol_only);

  auto accepted = everyone->begin(negotiate_scheme::ntlm);
  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob"));
  EXPECT_TRUE(run_handshake(accepted, bob).last);

  auto refused = carol_only->begin(negotiate_scheme::ntlm);
  gss_initiator bob_again(ntlm_client("TESTDOM\\bob", "ntlm_client_bob"));
  EXPECT_FALSE(run_handshake(refused, bob_again).last);

  auto carol_context = carol_only->begin(negotiate_scheme::ntlm);
  gss_initiator carol(ntlm_client("TESTDOM\\carol", "ntlm_client_carol"));
  ASSERT_TRUE(run_handshake(carol_context, carol).last);
  EXPECT_EQ(carol_context.identity()->name, "TESTDOM\\carol");
}

TEST(NegotiateNtlm, TwoConnectionsNeverMixIdentities) {
  auto acceptor = make_acceptor(kerberos_and_ntlm());
  ASSERT_TRUE(acceptor);
  // Two connections, handshakes interleaved leg by leg.
  auto first = acceptor->begin(negotiate_scheme::ntlm);
  auto second = acceptor->begin(negotiate_scheme::ntlm);
  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob"));
  gss_initiator carol(ntlm_client("TESTDOM\\carol", "ntlm_client_carol"));

  auto const bob1 = bob.step({});
  auto const carol1 = carol.step({});
  ASSERT_TRUE(bob1 && carol1);
  auto const challenge1 = first.step(*bob1);
  auto const challenge2 = second.step(*carol1);
  ASSERT_TRUE(challenge1 && challenge2);
  EXPECT_NE(challenge1->reply_token, challenge2->reply_token);  // each its own challenge

  auto const decode = [](std::string const& b64) { return *decode_base64_strict(b64); };
  auto const bob3 = bob.step(decode(challenge1->reply_token));
  auto const carol3 = carol.step(decode(challenge2->reply_token));
  ASSERT_TRUE(bob3 && carol3);
  ASSERT_TRUE(second.step(*carol3));  // the later connection finishes first
  ASSERT_TRUE(first.step(*bob3));
  EXPECT_EQ(first.identity()->name, "TESTDOM\\bob");
  EXPECT_EQ(second.identity()->name, "TESTDOM\\carol");

  // A third connection that replays bob's answer to a challenge it did not issue gets
  // nobody.
  auto third = acceptor->begin(negotiate_scheme::ntlm);
  gss_initiator mallory(ntlm_client("TESTDOM\\carol", "ntlm_client_carol"));
  auto const hello = mallory.step({});
  ASSERT_TRUE(hello);
  ASSERT_TRUE(third.step(*hello));
  auto const stolen = third.step(*bob3);
  EXPECT_FALSE(stolen);
  EXPECT_EQ(third.identity(), nullptr);
}

}  // namespace
}  // namespace bits::auth
