// security_test, certificates and htpasswd lines.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

#include <crypt.h>
#include <openssl/evp.h>

#include <vector>

namespace bits::test {

::testing::AssertionResult make_cert(std::filesystem::path const& dir, std::string const& name,
                                     std::string const& cn, std::string const& ca) {
  auto const key = (dir / (name + ".key")).string();
  auto const pem = (dir / (name + ".pem")).string();
  std::vector<std::string> args = {"req",  "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                                   "-out", pem,       "-days",    "2",      "-subj",   "/CN=" + cn};
  args.insert(args.begin() + 1, "-x509");
  if (!ca.empty()) {
    // `req -x509 -CA` signs with the CA instead of self-signing (OpenSSL 3.0).
    args.insert(args.end(),
                {"-CA", (dir / (ca + ".pem")).string(), "-CAkey", (dir / (ca + ".key")).string()});
  }
  auto const run = run_to_exit("/usr/bin/openssl", args, std::chrono::seconds(30));
  if (run.status.exited && run.status.code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "openssl req failed (" << run.status.describe() << "): " << run.output;
}

std::string htpasswd_line(std::string const& user, std::string const& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE] = {};
  if (crypt_gensalt_rn("$6$", 5000, nullptr, 0, salt, sizeof salt) == nullptr) return {};
  crypt_data data{};
  char const* hash = crypt_r(password.c_str(), salt, &data);
  if (hash == nullptr || hash[0] == '*') return {};
  return user + ":" + hash;
}

std::string basic_auth(std::string const& user, std::string const& password) {
  std::string const plain = user + ":" + password;
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<unsigned char const*>(plain.data()),
                                static_cast<int>(plain.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

security_test::security_test() {
  set_client_timeout(std::chrono::seconds(5));
}

std::string security_test::config(server_values server, vdir_values vdir,
                                  std::vector<std::string> listen) const {
  daemon_options options;
  options.server.listen = std::move(listen);
  options.server.values = std::move(server);
  if (!options.server.values.contains("log_level")) options.server.set("log_level", "debug");
  options.vdirs.push_back({"/up/", root(), std::move(vdir)});
  return to_toml(options);
}

::testing::AssertionResult security_test::finish_upload(raw_client& client, std::string const& id,
                                                        std::string const& name,
                                                        std::string_view data, std::uint64_t first,
                                                        header_list const& auth) {
  std::string const url = "/up/" + name;
  if (auto sent = send_fragments(client, url, id, data, first, 4096, auth); !sent) return sent;
  header_list extra = auth;
  extra.emplace_back("BITS-Session-Id", id);
  auto const closed = client.bits_post(url, "Close-Session", extra);
  if (auto ok = is_ack(closed, 200); !ok) return ok << " (Close-Session)";
  if (read_file(root() / name) != data) {
    return ::testing::AssertionFailure() << "published " << name << " differs from the upload";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace bits::test
