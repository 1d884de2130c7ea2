// TLS listeners: BITS over TLS, refused old protocol versions, certificate reload on
// SIGHUP, and client certificates checked against tls_client_ca.
#include "security/tls_client.hpp"

#include "security/security_fixture.hpp"
#include "support/digest.hpp"

#include <csignal>
#include <thread>

namespace bits::test {
namespace {

class tls_test : public security_test {
 protected:
  /// Makes server.pem/server.key (and, with `client_ca`, ca.pem and client.pem signed by
  /// it) and starts a plain and a TLS listener.
  ::testing::AssertionResult start_tls(bool client_ca = false) {
    if (auto ok = make_cert(tmp(), "server", "localhost"); !ok) return ok;
    server_values extra{{"tls_cert", pem("server")}, {"tls_key", key("server")}};
    if (client_ca) {
      if (auto ok = make_cert(tmp(), "ca", "Test CA"); !ok) return ok;
      if (auto ok = make_cert(tmp(), "client", "alice", "ca"); !ok) return ok;
      extra.set("tls_client_ca", pem("ca"));
    }
    auto started = start(config(extra, {}, {"127.0.0.1:0", "tls://127.0.0.1:0"}));
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
