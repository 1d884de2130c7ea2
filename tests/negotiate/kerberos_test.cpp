// Kerberos through the acceptor, against the test realm's real KDC: who is accepted,
// with which name and mutual-authentication token, and why everything else is refused.
#include "auth/negotiate_acceptor.hpp"
#include "negotiate/gss_initiator.hpp"
#include "negotiate/handshake.hpp"
#include "negotiate/krb5_realm.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace bits::auth {
namespace {

using test::gss_initiator;
using test::initiator_options;
using test::krb5;
using test::run_handshake;

std::shared_ptr<negotiate_acceptor const> make_acceptor(negotiate_options options) {
  auto acceptor = negotiate_acceptor::create(options);
  if (!acceptor) {
    ADD_FAILURE() << acceptor.error().describe();
    return nullptr;
  }
  return *acceptor;
}

negotiate_options http_localhost() {
  negotiate_options o;
  o.keytab = krb5().file("http.keytab");
  o.service_principal = "HTTP/localhost";
  return o;
}

initiator_options kerberos_client(std::string const& ccache, bool spnego = true) {
  initiator_options o;
  o.ccache = krb5().file(ccache);
  o.spnego = spnego;
  return o;
}

TEST(NegotiateKerberos, UserTicketIsAcceptedWithItsNameAndAMutualToken) {
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const outcome = run_handshake(context, alice);

  ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
  EXPECT_EQ(outcome.server_steps, 1);  // Kerberos completes in one round trip
  EXPECT_TRUE(outcome.last->complete);
  EXPECT_FALSE(outcome.last->reply_token.empty());
  EXPECT_TRUE(outcome.client_complete)
      << "the client did not accept the mutual token: " << outcome.client_error;
  ASSERT_EQ(context.state(), negotiate_state::complete);
  ASSERT_NE(context.identity(), nullptr);
  EXPECT_EQ(context.identity()->name, "alice@EXAMPLE.TEST");
  EXPECT_EQ(context.identity()->user, "alice");
  EXPECT_EQ(context.identity()->realm, "EXAMPLE.TEST");
  EXPECT_EQ(context.identity()->mechanism, negotiate_mechanism::kerberos);
  EXPECT_EQ(context.identity()->principal(principal_format::full), "alice@EXAMPLE.TEST");
  EXPECT_EQ(context.identity()->principal(principal_format::user), "alice");
}

TEST(NegotiateKerberos, MachineAccountIsAcceptedAsHostDollar) {
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator machine(kerberos_client("ws01.ccache"));
  auto const outcome = run_handshake(context, machine);
  ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
  ASSERT_NE(context.identity(), nullptr);
  EXPECT_EQ(context.identity()->name, "WS01$@EXAMPLE.TEST");
  EXPECT_EQ(context.identity()->principal(principal_format::user), "WS01$");
}

TEST(NegotiateKerberos, RawKerberosTokenUnderNegotiateIsAccepted) {
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator alice(kerberos_client("alice.ccache", /*spnego=*/false));
  auto const outcome = run_handshake(context, alice);
  ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
  EXPECT_TRUE(outcome.client_complete) << outcome.client_error;
  ASSERT_NE(context.identity(), nullptr);
  EXPECT_EQ(context.identity()->name, "alice@EXAMPLE.TEST");
}

TEST(NegotiateKerberos, ServicePrincipalWithRealmAcceptsOnlyThatRealm) {
  auto options = http_localhost();
  options.service_principal = "HTTP/localhost@EXAMPLE.TEST";
  auto same = make_acceptor(options);
  options.service_principal = "HTTP/localhost@OTHER.TEST";
  auto other = make_acceptor(options);
  ASSERT_TRUE(same && other);

  auto ok = same->begin(negotiate_scheme::negotiate);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const accepted = run_handshake(ok, alice);
  EXPECT_TRUE(accepted.last) << accepted.last.error().describe();

  auto refused = other->begin(negotiate_scheme::negotiate);
  gss_initiator alice_again(kerberos_client("alice.ccache"));
  auto const outcome = run_handshake(refused, alice_again);
  ASSERT_FALSE(outcome.last);
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::rejected);
  EXPECT_NE(outcome.last.error().message.find("HTTP/localhost@EXAMPLE.TEST"), std::string::npos)
      << outcome.last.error().message;
  EXPECT_EQ(refused.identity(), nullptr);
}

TEST(NegotiateKerberos, WrongServicePrincipalIsRefusedWithBothNames) {
  auto options = http_localhost();
  options.service_principal = "HTTP/127.0.0.1";  // in the keytab, but not what alice asked for
  auto acceptor = make_acceptor(options);
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const outcome = run_handshake(context, alice);
  ASSERT_FALSE(outcome.last);
  auto const& failure = outcome.last.error();
  EXPECT_EQ(failure.kind, negotiate_errc::rejected);
  EXPECT_NE(failure.major, 0U);
  EXPECT_NE(failure.message.find("HTTP/localhost@EXAMPLE.TEST"), std::string::npos)
      << failure.message;
  EXPECT_NE(failure.message.find("HTTP/127.0.0.1"), std::string::npos) << failure.message;
  EXPECT_EQ(context.state(), negotiate_state::failed);
}

TEST(NegotiateKerberos, AnyHostServicePrincipalAcceptsEveryNameInTheKeytab) {
  auto options = http_localhost();
  options.service_principal = "HTTP/*";
  auto acceptor = make_acceptor(options);
  ASSERT_TRUE(acceptor);
  for (std::string const target : {"HTTP@localhost", "HTTP@127.0.0.1"}) {
    auto context = acceptor->begin(negotiate_scheme::negotiate);
    auto client_options = kerberos_client("alice.ccache");
    client_options.target = target;
    gss_initiator alice(client_options);
    auto const outcome = run_handshake(context, alice);
    EXPECT_TRUE(outcome.last) << target << ": " << outcome.last.error().describe();
    EXPECT_TRUE(outcome.client_complete) << target << ": " << outcome.client_error;
  }
}

TEST(NegotiateKerberos, OutOfDateKeytabIsRefusedNamingTheKeyVersion) {
  auto options = http_localhost();
  options.keytab = krb5().file("stale.keytab");  // the key before the last ktadd
  auto acceptor = make_acceptor(options);
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const outcome = run_handshake(context, alice);
  ASSERT_FALSE(outcome.last);
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::rejected);
  EXPECT_NE(outcome.last.error().message.find("kvno"), std::string::npos)
      << outcome.last.error().message;
}

TEST(NegotiateKerberos, ClockSkewIsRefusedAsSuch) {
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator skewed(kerberos_client("alice_skewed.ccache"));  // client clock +1 h
  auto const outcome = run_handshake(context, skewed);
  ASSERT_FALSE(outcome.last) << outcome.client_error;
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::rejected);
  EXPECT_NE(outcome.last.error().message.find("Clock skew too great"), std::string::npos)
      << outcome.last.error().message;
  EXPECT_EQ(outcome.last.error().message.rfind("Kerberos: ", 0), 0U)
      << outcome.last.error().message;
}

TEST(NegotiateKerberos, ExpiredTicketIsRefusedAsSuch) {
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator expired(kerberos_client("alice_expired.ccache"));
  auto const outcome = run_handshake(context, expired);
  ASSERT_FALSE(outcome.last) << outcome.client_error;
  EXPECT_EQ(outcome.last.error().kind, negotiate_errc::rejected);
  EXPECT_NE(outcome.last.error().message.find("Ticket expired"), std::string::npos)
      << outcome.last.error().message;
}

TEST(NegotiateKerberos, ReplayCacheRefusesAReplayedToken) {
  test::temp_dir dir;
  auto options = http_localhost();
  options.replay_cache = (dir / "krb5.rcache2").string();
  auto acceptor = make_acceptor(options);
  ASSERT_TRUE(acceptor);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const token = alice.step({});
  ASSERT_TRUE(token) << alice.error();

  auto first = acceptor->begin(negotiate_scheme::negotiate);
  auto const accepted = first.step(*token);
  EXPECT_TRUE(accepted) << accepted.error().describe();
  // The same Authorization header captured and sent again on another connection.
  auto second = acceptor->begin(negotiate_scheme::negotiate);
  auto const replayed = second.step(*token);
  ASSERT_FALSE(replayed);
  EXPECT_EQ(replayed.error().kind, negotiate_errc::rejected);
  EXPECT_NE(replayed.error().message.find("replay"), std::string::npos) << replayed.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir / "krb5.rcache2"));
}

TEST(NegotiateKerberos, WithoutReplayCacheAReplayIsNotDetected) {
  // The documented cost of replay_cache = "": a captured token works again (within the
  // clock-skew window). Use TLS, or a replay cache.
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const token = alice.step({});
  ASSERT_TRUE(token) << alice.error();
  auto first = acceptor->begin(negotiate_scheme::negotiate);
  auto second = acceptor->begin(negotiate_scheme::negotiate);
  EXPECT_TRUE(first.step(*token));
  EXPECT_TRUE(second.step(*token));
}

TEST(NegotiateKerberos, TwoAcceptorsUseTheirOwnKeytabs) {
  // Two virtual directories in one process, each with its keytab and principal.
  auto local = make_acceptor(http_localhost());
  negotiate_options other_options;
  other_options.keytab = krb5().file("other.keytab");
  other_options.service_principal = "HTTP/other.example.test";
  auto other = make_acceptor(other_options);
  ASSERT_TRUE(local && other);

  auto to_other = kerberos_client("bob.ccache");
  to_other.target = "HTTP@other.example.test";
  {
    auto context = other->begin(negotiate_scheme::negotiate);
    gss_initiator bob(to_other);
    auto const outcome = run_handshake(context, bob);
    ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
    EXPECT_EQ(context.identity()->name, "bob@EXAMPLE.TEST");
  }
  {
    auto context = local->begin(negotiate_scheme::negotiate);
    gss_initiator bob(to_other);  // a ticket for the other directory's principal
    auto const outcome = run_handshake(context, bob);
    EXPECT_FALSE(outcome.last);
  }
  {
    auto context = local->begin(negotiate_scheme::negotiate);
    gss_initiator alice(kerberos_client("alice.ccache"));
    auto const outcome = run_handshake(context, alice);
    ASSERT_TRUE(outcome.last) << outcome.last.error().describe();
    EXPECT_EQ(context.identity()->name, "alice@EXAMPLE.TEST");
  }
}

TEST(NegotiateKerberos, StepAfterCompletionAsksForANewContext) {
  auto acceptor = make_acceptor(http_localhost());
  ASSERT_TRUE(acceptor);
  auto context = acceptor->begin(negotiate_scheme::negotiate);
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const token = alice.step({});
  ASSERT_TRUE(token);
  ASSERT_TRUE(context.step(*token));
  auto const again = context.step(*token);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, negotiate_errc::context_finished);
  EXPECT_EQ(context.state(), negotiate_state::complete);  // still who it was
  EXPECT_EQ(context.identity()->name, "alice@EXAMPLE.TEST");
}

}  // namespace
}  // namespace bits::auth
