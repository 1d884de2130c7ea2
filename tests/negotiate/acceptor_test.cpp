// Creating acceptors (what start-up reports) and tokens that are not tokens: every
// failure is a value with a reason, never an exception or a crash.
#include "auth/negotiate_acceptor.hpp"
#include "negotiate/gss_initiator.hpp"
#include "negotiate/handshake.hpp"
#include "negotiate/krb5_realm.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace bits::auth {
namespace {

using test::krb5;

negotiate_options http_localhost() {
  negotiate_options o;
  o.keytab = krb5().file("http.keytab");
  o.ntlm_users = krb5().file("ntlm_users");
  o.service_principal = "HTTP/localhost";
  return o;
}

negotiate_failure create_failure(negotiate_options const& options) {
  auto acceptor = negotiate_acceptor::create(options);
  if (acceptor) {
    ADD_FAILURE() << "created";
    return {};
  }
  return acceptor.error();
}

TEST(NegotiateAcceptor, NeedsAKeytabOrNtlmUsers) {
  static_cast<void>(krb5());
  auto const failure = create_failure({});
  EXPECT_EQ(failure.kind, negotiate_errc::invalid_options);
}

TEST(NegotiateAcceptor, MalformedServicePrincipalIsRefused) {
  for (std::string const bad : {"HTTP", "/localhost", "HTTP/", "HTTP/host@", "HTTP/a b"}) {
    auto options = http_localhost();
    options.service_principal = bad;
    auto const failure = create_failure(options);
    EXPECT_EQ(failure.kind, negotiate_errc::invalid_options) << bad;
    EXPECT_NE(failure.message.find("service_principal"), std::string::npos) << failure.message;
  }
}

TEST(NegotiateAcceptor, MissingKeytabIsReportedWithItsPath) {
  auto options = http_localhost();
  options.keytab = krb5().file("no-such.keytab");
  auto const failure = create_failure(options);
  EXPECT_EQ(failure.kind, negotiate_errc::credentials_unavailable);
  EXPECT_NE(failure.message.find(options.keytab), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("No such file"), std::string::npos) << failure.message;
}

TEST(NegotiateAcceptor, KeytabThatIsNotAKeytabIsReported) {
  test::temp_dir dir;
  std::ofstream(dir / "junk.keytab") << "not a keytab\n";
  auto options = http_localhost();
  options.keytab = (dir / "junk.keytab").string();
  auto const failure = create_failure(options);
  EXPECT_EQ(failure.kind, negotiate_errc::credentials_unavailable);
  EXPECT_NE(failure.major, 0U);
  EXPECT_NE(failure.message.find("gss_acquire_cred_from"), std::string::npos) << failure.message;
}

TEST(NegotiateAcceptor, KeytabWithoutTheServicePrincipalIsReported) {
  auto options = http_localhost();
  options.keytab = krb5().file("other.keytab");  // holds HTTP/other.example.test only
  auto const failure = create_failure(options);
  EXPECT_EQ(failure.kind, negotiate_errc::credentials_unavailable);
  EXPECT_NE(failure.message.find("HTTP/localhost"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("No key table entry"), std::string::npos) << failure.message;
}

TEST(NegotiateAcceptor, NtlmUsersFileIsCheckedAtCreation) {
  test::temp_dir dir;
  std::ofstream(dir / "empty") << "# nobody yet\n";
  auto options = http_localhost();
  options.ntlm_users = (dir / "missing").string();
  auto failure = create_failure(options);
  EXPECT_EQ(failure.kind, negotiate_errc::credentials_unavailable);
  EXPECT_NE(failure.message.find("missing"), std::string::npos) << failure.message;

  options.ntlm_users = (dir / "empty").string();
  failure = create_failure(options);
  EXPECT_EQ(failure.kind, negotiate_errc::credentials_unavailable);
  EXPECT_NE(failure.message.find("holds no account"), std::string::npos) << failure.message;

  options.ntlm_users = dir.path().string();
  failure = create_failure(options);
  EXPECT_NE(failure.message.find("not a regular file"), std::string::npos) << failure.message;
}

TEST(NegotiateAcceptor, DefaultServicePrincipalIsHttpAtThisHost) {
  negotiate_options options;
  options.ntlm_users = krb5().file("ntlm_users");  // NTLM needs no key for the name
  auto acceptor = negotiate_acceptor::create(options);
  ASSERT_TRUE(acceptor) << acceptor.error().describe();
  EXPECT_EQ((*acceptor)->service_principal().rfind("HTTP/", 0), 0U);
  EXPECT_GT((*acceptor)->service_principal().size(), 5U);
}

TEST(NegotiateAcceptor, GarbageTokensFailCleanly) {
  auto acceptor = negotiate_acceptor::create(http_localhost());
  ASSERT_TRUE(acceptor) << acceptor.error().describe();
  std::mt19937 random(14);
  std::vector<std::string> tokens = {
      std::string("\x60\x00", 2),  // GSS framing, nothing inside
      std::string("\x60\x82\xff\xff\x06\x06\x2b\x06\x01\x05\x05\x02", 12),  // truncated SPNEGO
      std::string("NTLMSSP\0\x03\0\0\0", 12),  // an NTLM AUTHENTICATE, alone
      std::string("NTLMSSP\0\x01\0\0\0", 12),  // a short NEGOTIATE
      "hello",
      std::string(1, '\0'),
  };
  for (int i = 0; i < 20; ++i) {
    std::string bytes(1 + random() % 300, '\0');
    for (auto& b : bytes) b = static_cast<char>(random());
    tokens.push_back(bytes);
  }
  for (auto const scheme : {negotiate_scheme::negotiate, negotiate_scheme::ntlm}) {
    for (auto const& token : tokens) {
      auto context = (*acceptor)->begin(scheme);
      auto const step = context.step(token);
      if (step && !step->complete) continue;  // e.g. a NEGOTIATE gets its challenge
      ASSERT_FALSE(step) << "a garbage token authenticated";
      EXPECT_TRUE(step.error().kind == negotiate_errc::bad_token ||
                  step.error().kind == negotiate_errc::rejected)
          << step.error().describe();
      EXPECT_FALSE(step.error().message.empty());
      EXPECT_EQ(context.state(), negotiate_state::failed);
      EXPECT_EQ(context.step(token).error().kind, negotiate_errc::context_finished);
    }
  }
  auto context = (*acceptor)->begin(negotiate_scheme::negotiate);
  EXPECT_EQ(context.step("").error().kind, negotiate_errc::bad_token);
}

TEST(NegotiateAcceptor, ContextsOfOneAcceptorRunOnManyThreads) {
  auto acceptor = negotiate_acceptor::create(http_localhost());
  ASSERT_TRUE(acceptor) << acceptor.error().describe();
  struct client {
    test::initiator_options options;
    std::string expected;
  };
  test::initiator_options alice;
  alice.ccache = krb5().file("alice.ccache");
  test::initiator_options bob;
  bob.ntlm_user = "TESTDOM\\bob";
  bob.ntlm_file = krb5().file("ntlm_client_bob");
  test::initiator_options machine;
  machine.ccache = krb5().file("ws01.ccache");
  std::vector<client> const clients = {
      {alice, "alice@EXAMPLE.TEST"}, {bob, "TESTDOM\\bob"}, {machine, "WS01$@EXAMPLE.TEST"}};

  std::vector<std::vector<std::string>> seen(clients.size() * 2);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      auto const& c = clients[t % clients.size()];
      for (int i = 0; i < 10; ++i) {
        auto context = (*acceptor)->begin(negotiate_scheme::negotiate);
        test::gss_initiator initiator(c.options);
        auto const outcome = test::run_handshake(context, initiator);
        seen[t].push_back(outcome.last && context.identity() != nullptr
                              ? context.identity()->name
                              : "failed: " + (outcome.last ? outcome.client_error
                                                           : outcome.last.error().describe()));
      }
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t t = 0; t < seen.size(); ++t) {
    for (auto const& name : seen[t]) EXPECT_EQ(name, clients[t % clients.size()].expected);
  }
}

}  // namespace
}  // namespace bits::auth
