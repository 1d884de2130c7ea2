// TLS listeners: BITS over TLS, refused old protocol versions, certificate reload on
// SIGHUP, and client certificates checked against tls_client_ca.
#include "security/tls_client.hpp"

#include "security/security_fixture.hpp"
#include "support/digest.hpp"

#include <csignal>
#include <fstream>
#include <thread>

namespace bits::test {
namespace {

class tls_test : public security_test {
 protected:
  /// Makes server.pem/server.key (and, with `client_ca`, ca.pem and client.pem signed by
  /// it) and starts a plain and a TLS listener.
  ::testing::AssertionResult start_tls(bool client_ca = false, server_values extra = {},
                                       vdir_values vdir = {}) {
    if (auto ok = make_cert(tmp(), "server", "localhost"); !ok) return ok;
    extra.set("tls_cert", pem("server")).set("tls_key", key("server"));
    if (client_ca) {
      if (auto ok = make_cert(tmp(), "ca", "Test CA"); !ok) return ok;
      if (auto ok = make_cert(tmp(), "client", "alice", "ca"); !ok) return ok;
      extra.set("tls_client_ca", pem("ca"));
    }
    auto started =
        start(config(std::move(extra), std::move(vdir), {"127.0.0.1:0", "tls://127.0.0.1:0"}));
    if (!started) return started;
    if (server().ports().size() != 2) {
      return ::testing::AssertionFailure()
             << "port file has " << server().ports().size() << " ports, expected 2";
    }
    return ::testing::AssertionSuccess();
  }
  [[nodiscard]] std::string pem(std::string const& name) const {
    return (tmp() / (name + ".pem")).string();
  }
  [[nodiscard]] std::string key(std::string const& name) const {
    return (tmp() / (name + ".key")).string();
  }
  [[nodiscard]] std::uint16_t tls_port() { return server().ports()[1]; }
};

TEST_F(tls_test, ping_over_tls_gets_200) {
  ASSERT_TRUE(start_tls());
  tls_client client(tls_port());
  ASSERT_TRUE(client.is_open()) << client.last_error();
  EXPECT_EQ(client.peer_fingerprint(), cert_file_fingerprint(pem("server")));
  EXPECT_TRUE(is_ack(client.bits_post("/up/", "Ping"), 200));
  EXPECT_TRUE(still_serving());  // the plain listener works beside it
}

TEST_F(tls_test, full_upload_over_tls_commits_exact_bytes) {
  ASSERT_TRUE(start_tls());
  tls_client client(tls_port());
  ASSERT_TRUE(client.is_open()) << client.last_error();
  std::string const data = random_bytes(20000, 7);
  auto const created = client.bits_post("/up/tls.bin", "Create-Session",
                                        {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
  ASSERT_TRUE(is_ack(created, 200));
  std::string const id = created.header_or_empty("BITS-Session-Id");
  for (std::uint64_t first = 0; first < data.size(); first += 8192) {
    std::uint64_t const last = std::min<std::uint64_t>(first + 8192, data.size()) - 1;
    auto const r = client.bits_post(
        "/up/tls.bin", "Fragment",
        {{"BITS-Session-Id", id}, {"Content-Range", content_range(first, last, data.size())}},
        std::string_view(data).substr(first, last - first + 1));
    ASSERT_TRUE(is_fragment_ack(r, last + 1));
  }
  ASSERT_TRUE(
      is_ack(client.bits_post("/up/tls.bin", "Close-Session", {{"BITS-Session-Id", id}}), 200));
  EXPECT_EQ(sha256_file_hex(root() / "tls.bin"), sha256_hex(data));
}

TEST_F(tls_test, tls_1_1_is_refused) {
  ASSERT_TRUE(start_tls());
  tls_options old;
  old.min_version = TLS1_1_VERSION;
  old.max_version = TLS1_1_VERSION;
  tls_client refused(tls_port(), old);
  EXPECT_FALSE(refused.is_open()) << "a TLS 1.1 handshake succeeded";
  tls_client modern(tls_port());
  ASSERT_TRUE(modern.is_open()) << modern.last_error();
  EXPECT_TRUE(is_ack(modern.bits_post("/up/", "Ping"), 200));
}

/// A client that speaks only TLS 1.0 with `ciphers`, as Windows 7 and Server 2008 R2
/// do without the TLS 1.2 update for WinHTTP.
tls_options tls10(std::string ciphers) {
  tls_options o;
  o.min_version = TLS1_VERSION;
  o.max_version = TLS1_VERSION;
  o.ciphers = std::move(ciphers) + ":@SECLEVEL=0";
  return o;
}

TEST_F(tls_test, tls_1_0_is_refused_by_default) {
  ASSERT_TRUE(start_tls());
  tls_client refused(tls_port(), tls10("ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES256-SHA"));
  EXPECT_FALSE(refused.is_open()) << "a TLS 1.0 handshake succeeded";
  // TLS 1.2 with only the CBC suites of old clients is refused too: the default policy
  // stays forward-secret AEAD.
  tls_options cbc;
  cbc.max_version = TLS1_2_VERSION;
  cbc.ciphers = "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA";
  tls_client cbc_client(tls_port(), cbc);
  EXPECT_FALSE(cbc_client.is_open()) << "a TLS 1.2 CBC suite was accepted by default";
}

TEST_F(tls_test, tls_1_0_clients_are_served_with_tls_min_version_1_0) {
  ASSERT_TRUE(start_tls(false, {{"tls_min_version", "1.0"}}));
  for (std::string const suite :
       {"ECDHE-RSA-AES256-SHA", "ECDHE-RSA-AES128-SHA", "AES256-SHA", "AES128-SHA"}) {
    tls_client old(tls_port(), tls10(suite));
    ASSERT_TRUE(old.is_open()) << suite << ": " << old.last_error();
    EXPECT_TRUE(is_ack(old.bits_post("/up/", "Ping"), 200)) << suite;
  }
  tls_options tls11 = tls10("ECDHE-RSA-AES128-SHA");
  tls11.min_version = tls11.max_version = TLS1_1_VERSION;
  tls_client old11(tls_port(), tls11);
  ASSERT_TRUE(old11.is_open()) << old11.last_error();
  EXPECT_TRUE(is_ack(old11.bits_post("/up/", "Ping"), 200));
  tls_client modern(tls_port());
  ASSERT_TRUE(modern.is_open()) << modern.last_error();
  EXPECT_TRUE(is_ack(modern.bits_post("/up/", "Ping"), 200));
}

TEST_F(tls_test, tls_min_version_1_3_refuses_tls_1_2) {
  ASSERT_TRUE(start_tls(false, {{"tls_min_version", "1.3"}}));
  tls_options tls12;
  tls12.max_version = TLS1_2_VERSION;
  tls_client refused(tls_port(), tls12);
  EXPECT_FALSE(refused.is_open()) << "a TLS 1.2 handshake succeeded";
  tls_client modern(tls_port());
  ASSERT_TRUE(modern.is_open()) << modern.last_error();
  EXPECT_TRUE(is_ack(modern.bits_post("/up/", "Ping"), 200));
}

TEST_F(tls_test, full_chain_is_sent_to_a_client_trusting_only_the_root) {
  ASSERT_TRUE(make_cert(tmp(), "root", "Test Root CA"));
  ASSERT_TRUE(make_cert(tmp(), "inter", "Test Intermediate CA", "root"));
  ASSERT_TRUE(make_cert(tmp(), "leaf", "localhost", "inter"));
  auto const chain = tmp() / "chain.pem";
  ASSERT_TRUE(write_file(chain, read_file(pem("leaf")) + read_file(pem("inter"))));
  ASSERT_TRUE(start(
      config({{"tls_cert", chain.string()}, {"tls_key", key("leaf")}}, {}, {"tls://127.0.0.1:0"})));
  tls_options trusting;
  trusting.trusted_ca_pem = pem("root");
  for (int max : {TLS1_2_VERSION, 0}) {
    trusting.max_version = max;
    tls_client client(server().port(), trusting);
    ASSERT_TRUE(client.is_open()) << client.last_error();
    EXPECT_EQ(client.peer_fingerprint(), cert_file_fingerprint(pem("leaf")));
    EXPECT_TRUE(is_ack(client.bits_post("/up/", "Ping"), 200));
  }
}

TEST_F(tls_test, leaf_alone_does_not_verify_against_the_root) {
  // The control for the test above: without the intermediate the client cannot verify.
  ASSERT_TRUE(make_cert(tmp(), "root", "Test Root CA"));
  ASSERT_TRUE(make_cert(tmp(), "inter", "Test Intermediate CA", "root"));
  ASSERT_TRUE(make_cert(tmp(), "leaf", "localhost", "inter"));
  ASSERT_TRUE(start(
      config({{"tls_cert", pem("leaf")}, {"tls_key", key("leaf")}}, {}, {"tls://127.0.0.1:0"})));
  tls_options trusting;
  trusting.trusted_ca_pem = pem("root");
  tls_client client(server().port(), trusting);
  EXPECT_FALSE(client.is_open()) << "verified without the intermediate certificate";
}

TEST_F(tls_test, error_before_a_large_body_reaches_a_client_still_writing) {
  ASSERT_TRUE(start_tls(false, {}, {{"max_fragment_size", 1048576}}));
  tls_client client(tls_port());
  ASSERT_TRUE(client.is_open()) << client.last_error();
  auto const created = client.bits_post("/up/big.bin", "Create-Session",
                                        {{"BITS-Supported-Protocols", std::string(protocol_guid)}});
  ASSERT_TRUE(is_ack(created, 200));
  std::size_t const size = std::size_t{64} << 20U;
  std::string const body(size, 'x');
  ASSERT_TRUE(
      client.send(bits_post_head("/up/big.bin", "Fragment",
                                 {{"BITS-Session-Id", created.header_or_empty("BITS-Session-Id")},
                                  {"Content-Range", content_range(0, size - 1, size)}},
                                 static_cast<long long>(size))));
  ASSERT_TRUE(client.send(body)) << client.last_error();
  auto const r = client.read_response();
  EXPECT_EQ(r.status, 413) << r;
  EXPECT_TRUE(still_serving());
}

TEST_F(tls_test, sighup_reloads_certificate_and_keeps_connections) {
  ASSERT_TRUE(start_tls());
  tls_client kept(tls_port());
  ASSERT_TRUE(kept.is_open()) << kept.last_error();
  ASSERT_TRUE(is_ack(kept.bits_post("/up/", "Ping"), 200));
  std::string const old_fp = kept.peer_fingerprint();

  ASSERT_TRUE(make_cert(tmp(), "next", "localhost"));
  std::filesystem::rename(pem("next"), pem("server"));
  std::filesystem::rename(key("next"), key("server"));
  std::string const new_fp = cert_file_fingerprint(pem("server"));
  ASSERT_NE(new_fp, old_fp);
  ASSERT_EQ(::kill(server().pid(), SIGHUP), 0);

  // The reload is asynchronous: poll new connections for at most 5 s.
  std::string seen;
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    tls_client fresh(tls_port());
    if (fresh.is_open()) seen = fresh.peer_fingerprint();
    if (seen == new_fp) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(seen, new_fp) << "new connections still get the old certificate";
  EXPECT_TRUE(is_ack(kept.bits_post("/up/", "Ping"), 200)) << "kept-alive connection broke";
  EXPECT_TRUE(server().running());
}

TEST_F(tls_test, sighup_with_new_certificate_paths_serves_them_and_refuses_missing_ones) {
  ASSERT_TRUE(start_tls());
  tls_client kept(tls_port());
  ASSERT_TRUE(kept.is_open()) << kept.last_error();
  ASSERT_TRUE(is_ack(kept.bits_post("/up/", "Ping"), 200));
  std::string const old_fp = kept.peer_fingerprint();
  auto const reload = [this](std::string const& cert, std::string const& wanted) {
    auto const before = server().log().size();
    std::ofstream(tmp() / "openbitsd.toml")
        << config(server_values{{"tls_cert", cert}, {"tls_key", key("next")}}, {},
                  {"127.0.0.1:0", "tls://127.0.0.1:0"});
    EXPECT_EQ(::kill(server().pid(), SIGHUP), 0);
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (server().log().find(wanted, before) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };

  // A key without its certificate: the reload is refused, the old certificate stays.
  ASSERT_TRUE(make_cert(tmp(), "next", "localhost"));
  ASSERT_TRUE(reload(pem("missing"), "refused, the running configuration stays"))
      << server().log_tail();
  EXPECT_EQ(tls_client(tls_port()).peer_fingerprint(), old_fp);

  ASSERT_TRUE(reload(pem("next"), "SIGHUP: configuration applied")) << server().log_tail();
  std::string const new_fp = cert_file_fingerprint(pem("next"));
  ASSERT_NE(new_fp, old_fp);
  EXPECT_EQ(tls_client(tls_port()).peer_fingerprint(), new_fp);
  EXPECT_TRUE(is_ack(kept.bits_post("/up/", "Ping"), 200)) << "kept-alive connection broke";
}

TEST_F(tls_test, client_certificate_required_with_client_ca) {
  ASSERT_TRUE(start_tls(true));
  {
    // Under TLS 1.3 the server's refusal may only arrive after the client's handshake
    // completed, so the first request must fail either way.
    tls_client anonymous(tls_port());
    bool const served = anonymous.is_open() && anonymous.bits_post("/up/", "Ping").status == 200;
    EXPECT_FALSE(served) << "a client without a certificate was served";
  }
  tls_options with_cert;
  with_cert.cert_pem = pem("client");
  with_cert.key_pem = key("client");
  tls_client signed_client(tls_port(), with_cert);
  ASSERT_TRUE(signed_client.is_open()) << signed_client.last_error();
  EXPECT_TRUE(is_ack(signed_client.bits_post("/up/", "Ping"), 200));
}

}  // namespace
}  // namespace bits::test
