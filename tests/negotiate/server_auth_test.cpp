// openbitsd with auth = "negotiate" / "ntlm" against the test realm's real KDC: uploads
// with the openbits client (libcurl GSS-API) and with a GSSAPI client on a raw
// connection, who is refused and how, NTLM bound to its connection, session ownership
// between principals, Basic offered alongside, and --check-config on a bad keytab.
#include "auth/base64.hpp"
#include "client/cli_fixture.hpp"
#include "negotiate/gss_initiator.hpp"
#include "negotiate/krb5_realm.hpp"
#include "support/child_process.hpp"
#include "support/digest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bits::test {
namespace {

// `openssl passwd -6 -salt openbits wonderland`
constexpr char const* carol_htpasswd =
    "carol:$6$openbits$KuSGo3UpVKMUDSSXAe085H5YFQKDHrFoF8hJctmpxI3H.6SuROBxd2VxxMIUnR98gwz8iL1iH4"
    "BNsJueEN8MS0\n";

initiator_options kerberos_client(std::string const& ccache) {
  initiator_options o;
  o.ccache = krb5().file(ccache);
  return o;
}

initiator_options ntlm_client(std::string const& user, std::string const& file, bool spnego) {
  initiator_options o;
  o.ntlm_user = user;
  o.ntlm_file = krb5().file(file);
  o.spnego = spnego;
  return o;
}

/// The token of a WWW-Authenticate value "<scheme> <token>", decoded; "" when bare.
std::string token_of(std::string const& value) {
  auto const space = value.find(' ');
  if (space == std::string::npos) return {};
  return auth::decode_base64_strict(value.substr(space + 1)).value_or("<bad base64>");
}

class NegotiateServer : public client_test {
 protected:
  NegotiateServer() { (void)krb5(); }

  /// /up/ with `auth` and the realm's keytab (HTTP/localhost) and NTLM users.
  ::testing::AssertionResult start_negotiate(toml_value auth, std::vector<std::string> allow = {},
                                             vdir_options vdir = {}) {
    vdir.set("auth", std::move(auth))
        .set("keytab", krb5().file("http.keytab"))
        .set("service_principal", "HTTP/localhost")
        .set("ntlm_users", krb5().file("ntlm_users"));
    if (!allow.empty()) vdir.set("allow", allow);
    return start(vdir);
  }

  /// One packet on `client` with a Negotiate (or NTLM) handshake of `who` run to its
  /// end: each 401 continuation answered on the same connection. The final response.
  http_response post_as(raw_client& client, gss_initiator& who, std::string_view scheme,
                        std::string_view packet, header_list extra = {},
                        std::string_view body = {}) {
    std::string server_token;
    for (int round = 0; round < 4; ++round) {
      auto const token = who.step(server_token);
      if (!token) {
        ADD_FAILURE() << "client: " << who.error();
        return {};
      }
      auto fields = extra;
      fields.emplace_back("Authorization", std::string(scheme) + " " + auth::encode_base64(*token));
      auto r = client.bits_post("/up/x.bin", packet, fields, body);
      if (r.status != 401 || !r.has("WWW-Authenticate")) return r;
      server_token = token_of(r.header_or_empty("WWW-Authenticate"));
      if (server_token.empty()) return r;  // a bare challenge: refused
    }
    ADD_FAILURE() << "no end to the handshake";
    return {};
  }

  cli_result upload(std::vector<std::string> extra, std::map<std::string, std::string> env = {}) {
    auto const file = random_file("in.bin", 150'000, 14);
    std::vector<std::string> args = {"upload",
                                     file.string(),
                                     "http://localhost:" + std::to_string(port()) + "/up/out.bin",
                                     "--json",
                                     "--state",
                                     (tmp() / "s.json").string(),
                                     "--fragment-size",
                                     "64K"};
    args.insert(args.end(), extra.begin(), extra.end());
    return openbits(args, std::chrono::seconds(30), std::move(env));
  }
};

TEST_F(NegotiateServer, KerberosUploadWithTheOpenbitsClient) {
  ASSERT_TRUE(start_negotiate("negotiate"));
  auto const r = upload({"--auth", "negotiate"}, {{"KRB5CCNAME", krb5().file("alice.ccache")}});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(sha256_file_hex(root() / "out.bin"), sha256_file_hex(tmp() / "in.bin"));
  EXPECT_NE(server().log().find("user=\"alice@EXAMPLE.TEST\""), std::string::npos)
      << server().log_tail();
}

TEST_F(NegotiateServer, NtlmInsideNegotiateUploadWithTheOpenbitsClient) {
  // No ticket: libcurl's GSS-API falls back to gss-ntlmssp, as a Windows client outside
  // the domain falls back to NTLM.
  ASSERT_TRUE(start_negotiate("negotiate"));
  auto const r =
      upload({"--auth", "negotiate"}, {{"KRB5CCNAME", krb5().file("no.ccache")},
                                       {"NTLM_USER_FILE", krb5().file("ntlm_client_bob")},
                                       {"NTLMUSER", "TESTDOM\\bob"}});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(sha256_file_hex(root() / "out.bin"), sha256_file_hex(tmp() / "in.bin"));
  EXPECT_NE(server().log().find("user=\"TESTDOM\\\\bob\""), std::string::npos)
      << server().log_tail();
}

TEST_F(NegotiateServer, KerberosCompletesInOneRoundTripWithAMutualToken) {
  ASSERT_TRUE(start_negotiate("negotiate"));
  auto client = connect();
  auto const challenge = client.ping("/up/");
  EXPECT_EQ(challenge.status, 401u);
  EXPECT_EQ(challenge.header_or_empty("WWW-Authenticate"), "Negotiate");

  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const token = alice.step({});
  ASSERT_TRUE(token) << alice.error();
  auto const r = client.bits_post("/up/", "Ping",
                                  {{"Authorization", "Negotiate " + auth::encode_base64(*token)}});
  ASSERT_EQ(r.status, 200u) << r.describe();
  auto const mutual = token_of(r.header_or_empty("WWW-Authenticate"));
  ASSERT_FALSE(mutual.empty()) << r.describe();
  ASSERT_TRUE(alice.step(mutual)) << alice.error();
  EXPECT_TRUE(alice.complete());
  // The connection stays authenticated.
  EXPECT_FALSE(client.create_session("/up/x.bin").empty());
}

TEST_F(NegotiateServer, PrincipalFormatUserOwnsSessionsByTheBareName) {
  ASSERT_TRUE(start_negotiate("negotiate", {}, vdir_options{}.set("principal_format", "user")));
  auto client = connect();
  gss_initiator alice(kerberos_client("alice.ccache"));
  EXPECT_EQ(post_as(client, alice, "Negotiate", "Ping").status, 200u);
  EXPECT_NE(server().log().find("user=\"alice\""), std::string::npos) << server().log_tail();
}

TEST_F(NegotiateServer, RawNtlmAuthenticatesItsConnectionOnly) {
  ASSERT_TRUE(start_negotiate(std::vector<std::string>{"negotiate", "ntlm"}));
  auto client = connect();
  auto const challenge = client.ping("/up/");
  ASSERT_EQ(challenge.status, 401u);
  EXPECT_EQ(challenge.count("WWW-Authenticate"), 2u) << challenge.describe();

  gss_initiator bob(ntlm_client("TESTDOM\\bob", "ntlm_client_bob", false));
  auto const r = post_as(client, bob, "NTLM", "Create-Session",
                         {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
  ASSERT_EQ(r.status, 200u) << r.describe();
  auto const id = r.header_or_empty("BITS-Session-Id");
  ASSERT_FALSE(id.empty());
  // The same connection goes on without Authorization; another connection does not.
  EXPECT_EQ(client.send_fragment("/up/x.bin", id, 0, 3, 4, "data").status, 200u);
  auto other = connect();
  EXPECT_EQ(other.send_fragment("/up/x.bin", id, 0, 3, 4, "data").status, 401u);
  EXPECT_NE(server().log().find("user=\"TESTDOM\\\\bob\""), std::string::npos);
}

TEST_F(NegotiateServer, WrongNtlmPasswordAndExpiredTicketGet401WithTheReasonLogged) {
  ASSERT_TRUE(start_negotiate("negotiate"));
  {
    auto client = connect();
    gss_initiator wrong(ntlm_client("TESTDOM\\bob", "ntlm_client_wrong", true));
    auto const r = post_as(client, wrong, "Negotiate", "Ping");
    EXPECT_EQ(r.status, 401u) << r.describe();
    EXPECT_EQ(r.header_or_empty("WWW-Authenticate"), "Negotiate");
  }
  {
    auto client = connect();
    gss_initiator expired(kerberos_client("alice_expired.ccache"));
    auto const r = post_as(client, expired, "Negotiate", "Ping");
    EXPECT_EQ(r.status, 401u) << r.describe();
  }
  {
    auto client = connect();
    auto const r =
        client.bits_post("/up/", "Ping", {{"Authorization", "Negotiate " + std::string(40, 'A')}});
    EXPECT_EQ(r.status, 401u) << r.describe();
  }
  auto const log = server().log();
  EXPECT_NE(log.find("Negotiate authentication failed"), std::string::npos) << log;
  EXPECT_NE(log.find("status=401 cause=\"Negotiate: "), std::string::npos) << log;
  // And a good ticket still gets in.
  auto client = connect();
  gss_initiator alice(kerberos_client("alice.ccache"));
  EXPECT_EQ(post_as(client, alice, "Negotiate", "Ping").status, 200u);
}

TEST_F(NegotiateServer, PrincipalOutsideTheAllowListGets403) {
  ASSERT_TRUE(start_negotiate("negotiate", {"alice@EXAMPLE.TEST", "*$@EXAMPLE.TEST"}));
  auto const r = upload({"--auth", "negotiate"}, {{"KRB5CCNAME", krb5().file("bob.ccache")}});
  EXPECT_NE(r.code(), 0) << r.describe();
  EXPECT_FALSE(std::filesystem::exists(root() / "out.bin"));
  EXPECT_NE(server().log().find("\"bob@EXAMPLE.TEST\" (Kerberos) is not in the allow list"),
            std::string::npos)
      << server().log_tail();

  auto client = connect();
  gss_initiator machine(kerberos_client("ws01.ccache"));
  EXPECT_EQ(post_as(client, machine, "Negotiate", "Ping").status, 200u);
}

/// The last response of curl's `-D -` output (after any 401 of the handshake): its status
/// and the value of `field` ("" when absent).
std::pair<int, std::string> last_response(std::string const& out, std::string const& field) {
  auto const start = out.rfind("HTTP/1.1 ");
  if (start == std::string::npos) return {0, ""};
  std::string const head = out.substr(start);
  int const status = std::atoi(head.c_str() + 9);
  std::string lower = head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string name = field + ":";
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto const at = lower.find(name);
  if (at == std::string::npos) return {status, ""};
  auto const from = head.find_first_not_of(' ', at + name.size());
  return {status, head.substr(from, head.find('\r', from) - from)};
}

// curl --negotiate, a client that is not ours: alice uploads with her ticket, and bob's
// ticket cannot continue her session.
TEST_F(NegotiateServer, CurlNegotiateUploadsAndOwnershipHoldsBetweenPrincipals) {
  ASSERT_TRUE(start_negotiate("negotiate"));
  std::string const url = "http://localhost:" + std::to_string(port()) + "/up/curl.bin";
  auto const body = random_file("curl-in.bin", 5000, 21);
  int run = 0;
  auto curl = [&](std::string const& ccache, std::vector<std::string> const& headers,
                  bool with_body) {
    std::vector<std::string> args = {"-sS",       "--negotiate", "-u", ":",  "-X",
                                     "BITS_POST", "-D",          "-",  "-o", "/dev/null"};
    for (auto const& h : headers) {
      args.push_back("-H");
      args.push_back(h);
    }
    if (with_body) {
      args.push_back("--data-binary");
      args.push_back("@" + body.string());
    } else {
      args.push_back("-H");
      args.push_back("Content-Length: 0");
    }
    args.push_back(url);
    ++run;
    child_process p("/usr/bin/curl", args, tmp() / ("curl" + std::to_string(run) + ".out"),
                    tmp() / ("curl" + std::to_string(run) + ".err"),
                    {{"KRB5CCNAME", krb5().file(ccache)}});
    auto const st = p.wait(std::chrono::seconds(30));
    EXPECT_TRUE(st.exited && st.code == 0) << st.describe() << ": " << p.err();
    return p.out();
  };
  auto const created =
      last_response(curl("alice.ccache",
                         {"BITS-Packet-Type: Create-Session",
                          "BITS-Supported-Protocols: " + std::string(protocol_guid)},
                         false),
                    "BITS-Session-Id");
  ASSERT_EQ(created.first, 200);
  ASSERT_FALSE(created.second.empty());
  std::string const id = created.second;

  auto const stolen = last_response(curl("bob.ccache",
                                         {"BITS-Packet-Type: Fragment", "BITS-Session-Id: " + id,
                                          "Content-Range: bytes 0-4999/5000"},
                                         true),
                                    "BITS-Error-Code");
  EXPECT_EQ(stolen.first, 403);
  EXPECT_EQ(stolen.second, "0x80070005");

  EXPECT_EQ(last_response(curl("alice.ccache",
                               {"BITS-Packet-Type: Fragment", "BITS-Session-Id: " + id,
                                "Content-Range: bytes 0-4999/5000"},
                               true),
                          "BITS-Received-Content-Range")
                .second,
            "5000");
  EXPECT_EQ(
      last_response(curl("alice.ccache",
                         {"BITS-Packet-Type: Close-Session", "BITS-Session-Id: " + id}, false),
                    "BITS-Session-Id")
          .first,
      200);
  EXPECT_EQ(sha256_file_hex(root() / "curl.bin"), sha256_file_hex(body));
  EXPECT_NE(server().log().find("user=\"alice@EXAMPLE.TEST\""), std::string::npos)
      << server().log_tail();
}

TEST_F(NegotiateServer, SessionOfOnePrincipalCannotBeContinuedByAnother) {
  ASSERT_TRUE(start_negotiate("negotiate"));
  auto as_alice = connect();
  gss_initiator alice(kerberos_client("alice.ccache"));
  auto const created = post_as(as_alice, alice, "Negotiate", "Create-Session",
                               {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
  ASSERT_EQ(created.status, 200u) << created.describe();
  auto const id = created.header_or_empty("BITS-Session-Id");

  auto as_bob = connect();
  gss_initiator bob(kerberos_client("bob.ccache"));
  auto const r =
      post_as(as_bob, bob, "Negotiate", "Fragment",
              {{"BITS-Session-Id", id}, {"Content-Range", content_range(0, 3, 4)}}, "data");
  EXPECT_EQ(r.status, 403u) << r.describe();
  EXPECT_EQ(r.header_or_empty("BITS-Error-Code"), "0x80070005");
  // Alice's session is untouched.
  EXPECT_EQ(as_alice.send_fragment("/up/x.bin", id, 0, 3, 4, "data").status, 200u);
  EXPECT_EQ(as_alice.close_session("/up/x.bin", id).status, 200u);
  EXPECT_EQ(read_file(root() / "x.bin"), "data");
}

TEST_F(NegotiateServer, BasicAndNegotiateOnOneDirectory) {
  auto const file = tmp() / "htpasswd";
  ASSERT_TRUE(write_file(file, carol_htpasswd));
  ASSERT_TRUE(
      start_negotiate(std::vector<std::string>{"negotiate", "basic"}, {},
                      vdir_options{}.set("htpasswd", file).set("allow_basic_over_http", true)));
  auto client = connect();
  auto const challenge = client.ping("/up/");
  ASSERT_EQ(challenge.status, 401u);
  ASSERT_EQ(challenge.count("WWW-Authenticate"), 2u) << challenge.describe();
  EXPECT_EQ(challenge.header_or_empty("WWW-Authenticate"), "Negotiate");

  auto const basic = upload({"--auth", "basic", "-u", "carol:wonderland"});
  ASSERT_EQ(basic.code(), 0) << basic.describe();
  std::filesystem::remove(root() / "out.bin");
  std::filesystem::remove(tmp() / "s.json");
  auto const kerberos =
      upload({"--auth", "negotiate"}, {{"KRB5CCNAME", krb5().file("alice.ccache")}});
  ASSERT_EQ(kerberos.code(), 0) << kerberos.describe();
  auto const log = server().log();
  EXPECT_NE(log.find("user=\"carol\""), std::string::npos);
  EXPECT_NE(log.find("user=\"alice@EXAMPLE.TEST\""), std::string::npos);
}

TEST_F(NegotiateServer, LargeAuthorizationIsReadOnNegotiateDirectoriesOnly) {
  auto const other = tmp() / "other";
  std::filesystem::create_directories(other);
  daemon_options options;
  options.vdirs = {vdir_options{}
                       .set("auth", "negotiate")
                       .set("keytab", krb5().file("http.keytab"))
                       .set("service_principal", "HTTP/localhost"),
                   vdir_options{}};
  options.vdirs[0].url = "/up/";
  options.vdirs[0].root = root();
  options.vdirs[1].url = "/open/";
  options.vdirs[1].root = other;
  ASSERT_TRUE(start_config(options));
  header_list const big = {{"Authorization", "Negotiate " + std::string(40000, 'A')}};
  auto client = connect();
  EXPECT_EQ(client.bits_post("/up/", "Ping", big).status, 401u);
  auto anonymous = connect();
  EXPECT_EQ(anonymous.bits_post("/open/", "Ping", big).status, 431u);
}

TEST_F(NegotiateServer, CheckConfigRefusesAKeytabWithoutTheServicePrincipal) {
  std::string const toml =
      "[[vdir]]\nurl = \"/up/\"\nroot = " + toml_string(root().string()) +
      "\nauth = \"negotiate\"\nkeytab = " + toml_string(krb5().file("other.keytab")) +
      "\nservice_principal = \"HTTP/localhost\"\n";
  ASSERT_TRUE(write_file(tmp() / "bad.toml", toml));
  auto const r = run_to_exit(openbitsd_path(), {"--check-config", (tmp() / "bad.toml").string()});
  EXPECT_EQ(r.status.code, 1) << r.output;
  EXPECT_NE(r.output.find("HTTP/localhost"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("configuration OK"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace bits::test
