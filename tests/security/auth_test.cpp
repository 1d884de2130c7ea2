// Basic authentication per virtual directory and session ownership between principals.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

class auth_test : public security_test {
 protected:
  /// htpasswd with alice and bob, Basic on /up/ over the plain listener.
  ::testing::AssertionResult start_basic() {
    std::string const lines =
        htpasswd_line("alice", "wonderland") + "\n" + htpasswd_line("bob", "builder") + "\n";
    if (lines.size() < 20) return ::testing::AssertionFailure() << "crypt_r failed";
    write_file(tmp() / "htpasswd", lines);
    return start(config(
        {},
        {{"auth", "basic"}, {"htpasswd", tmp() / "htpasswd"}, {"allow_basic_over_http", true}}));
  }
  static header_list as(std::string const& user, std::string const& password) {
    return {{"Authorization", basic_auth(user, password)}};
  }
};

TEST_F(auth_test, missing_or_wrong_credentials_get_401_right_ones_200) {
  ASSERT_TRUE(start_basic());
  auto client = connect();
  auto const missing = client.ping("/up/");
  EXPECT_EQ(missing.status, 401) << missing;
  EXPECT_EQ(missing.header_or_empty("WWW-Authenticate"),
            "Basic realm=\"OpenBITS\", charset=\"UTF-8\"");
  auto wrong_client = connect();
  auto const wrong = wrong_client.bits_post("/up/", "Ping", as("alice", "looking-glass"));
  EXPECT_EQ(wrong.status, 401) << wrong;
  auto unknown_client = connect();
  EXPECT_EQ(unknown_client.bits_post("/up/", "Ping", as("mallory", "wonderland")).status, 401);
  auto right_client = connect();
  EXPECT_TRUE(is_ack(right_client.bits_post("/up/", "Ping", as("alice", "wonderland")), 200));
}

TEST_F(auth_test, challenge_reaches_a_client_writing_a_large_fragment) {
  // WinHTTP writes the whole body before it reads the answer; the 401 must not be lost
  // to a reset when the server closes instead of reading 64 MiB.
  ASSERT_TRUE(start_basic());
  std::size_t const size = std::size_t{64} << 20U;
  auto client = connect();
  ASSERT_TRUE(
      client.send(bits_post_head("/up/big.bin", "Fragment",
                                 {{"BITS-Session-Id", "{5A1E0C6B-3D2F-4E8A-9B7C-1D2E3F4A5B6C}"},
                                  {"Content-Range", content_range(0, size - 1, size)}},
                                 static_cast<long long>(size))));
  ASSERT_TRUE(client.send(std::string(size, 'x'))) << client.last_error();
  auto const r = client.read_response();
  EXPECT_EQ(r.status, 401) << to_string(r.outcome) << "\n" << r;
  EXPECT_TRUE(r.has("WWW-Authenticate")) << r;
  EXPECT_TRUE(client.wait_for_close(std::chrono::seconds(5)));
  // The client resends with credentials on a new connection.
  auto retry = connect();
  EXPECT_TRUE(is_ack(retry.bits_post("/up/", "Ping", as("alice", "wonderland")), 200));
}

TEST_F(auth_test, apr1_entry_refuses_start_naming_the_line) {
  std::string const lines =
      htpasswd_line("alice", "wonderland") + "\nbob:$apr1$abcdefgh$0123456789abcdefghijkl\n";
  write_file(tmp() / "htpasswd", lines);
  write_file(tmp() / "apr1.toml", config({}, {{"auth", "basic"},
                                              {"htpasswd", tmp() / "htpasswd"},
                                              {"allow_basic_over_http", true}}));
  auto const run = run_to_exit(openbitsd_path(), {"--config", (tmp() / "apr1.toml").string()},
                               std::chrono::seconds(5));
  EXPECT_TRUE(run.status.exited && run.status.code != 0) << run.status.describe() << run.output;
  EXPECT_TRUE(icontains(run.output, ":2:")) << "message does not name line 2: " << run.output;
}

TEST_F(auth_test, basic_on_plain_listener_without_opt_in_fails_check_config) {
  write_file(tmp() / "htpasswd", htpasswd_line("alice", "wonderland") + "\n");
  write_file(tmp() / "plain.toml",
             config({}, {{"auth", "basic"}, {"htpasswd", tmp() / "htpasswd"}}));
  auto const run =
      run_to_exit(openbitsd_path(), {"--check-config", (tmp() / "plain.toml").string()});
  EXPECT_TRUE(run.status.exited && run.status.code == 1) << run.status.describe() << run.output;
  EXPECT_TRUE(icontains(run.output, "allow_basic_over_http")) << run.output;
}

TEST_F(auth_test, other_principal_cannot_touch_a_session) {
  ASSERT_TRUE(start_basic());
  auto alice = connect();
  std::string const data = random_bytes(10000, 11);
  auto const created = alice.bits_post("/up/alice.bin", "Create-Session",
                                       {{"Authorization", basic_auth("alice", "wonderland")},
                                        {"BITS-Supported-Protocols", std::string(protocol_guid)}});
  ASSERT_TRUE(is_ack(created, 200));
  std::string const id = created.header_or_empty("BITS-Session-Id");
  header_list alice_auth = as("alice", "wonderland");
  header_list first = alice_auth;
  first.emplace_back("BITS-Session-Id", id);
  first.emplace_back("Content-Range", content_range(0, 999, data.size()));
  ASSERT_TRUE(is_fragment_ack(
      alice.bits_post("/up/alice.bin", "Fragment", first, std::string_view(data).substr(0, 1000)),
      1000));

  auto bob = connect();
  header_list bob_frag = as("bob", "builder");
  bob_frag.emplace_back("BITS-Session-Id", id);
  bob_frag.emplace_back("Content-Range", content_range(1000, 1999, data.size()));
  EXPECT_TRUE(is_error(bob.bits_post("/up/alice.bin", "Fragment", bob_frag,
                                     std::string_view(data).substr(1000, 1000)),
                       403, e_accessdenied));
  header_list bob_id = as("bob", "builder");
  bob_id.emplace_back("BITS-Session-Id", id);
  EXPECT_TRUE(
      is_error(bob.bits_post("/up/alice.bin", "Close-Session", bob_id), 403, e_accessdenied));
  EXPECT_TRUE(
      is_error(bob.bits_post("/up/alice.bin", "Cancel-Session", bob_id), 403, e_accessdenied));
  EXPECT_FALSE(std::filesystem::exists(root() / "alice.bin"));

  EXPECT_TRUE(finish_upload(alice, id, "alice.bin", data, 1000, alice_auth));
}

}  // namespace
}  // namespace bits::test
