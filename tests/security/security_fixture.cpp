// security_test, certificates, htpasswd lines and the Ack checks.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

#include <crypt.h>
#include <openssl/evp.h>

#include <charconv>
#include <iostream>
#include <vector>

namespace bits::test {

std::string openbitsd_path() {
  return OPENBITSD_PATH;
}

::testing::AssertionResult is_ack(http_response const& r, int status) {
  if (!r.ok()) return ::testing::AssertionFailure() << "no response: " << r.describe();
  if (r.status != status || !iequals(r.header_or_empty("BITS-Packet-Type"), "Ack") ||
      r.has("BITS-Error-Code")) {
    return ::testing::AssertionFailure() << "expected an Ack " << status << "\n" << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_error(http_response const& r, int status, std::string_view code) {
  if (!r.ok()) return ::testing::AssertionFailure() << "no response: " << r.describe();
  if (r.status != status || r.header_or_empty("BITS-Error-Code") != code) {
    return ::testing::AssertionFailure()
           << "expected " << status << " with BITS-Error-Code " << code << "\n"
           << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult is_fragment_ack(http_response const& r, std::uint64_t next) {
  auto ack = is_ack(r, 200);
  if (!ack) return ack;
  if (r.header_or_empty("BITS-Received-Content-Range") != std::to_string(next)) {
    return ::testing::AssertionFailure() << "expected BITS-Received-Content-Range " << next << "\n"
                                         << r.describe();
  }
  return ::testing::AssertionSuccess();
}

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
  std::filesystem::create_directory(root());
}

void security_test::TearDown() {
  if (daemon_ && HasFailure()) {
    std::cerr << "---- openbitsd log (tail) ----\n" << daemon_->log_tail(60) << "---- end ----\n";
  }
  daemon_.reset();
}

::testing::AssertionResult security_test::start(std::string const& toml) {
  auto const file = tmp() / "openbitsd.toml";
  if (!write_file(file, toml)) return ::testing::AssertionFailure() << "cannot write config";
  daemon_ = std::make_unique<bits::test::daemon>(
      openbitsd_path(), std::vector<std::string>{"--config", file.string()}, tmp());
  if (daemon_->start()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "openbitsd did not start: " << daemon_->last_error() << "\n"
         << daemon_->log_tail(40);
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

raw_client security_test::connect() const {
  return raw_client(daemon_ ? daemon_->port() : std::uint16_t{0}, std::chrono::seconds(5));
}

::testing::AssertionResult security_test::still_serving() const {
  auto client = connect();
  auto const r = client.ping("/up/");
  if (r.status == 200) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "Ping on a new connection failed: " << r.describe();
}

::testing::AssertionResult security_test::finish_upload(raw_client& client, std::string const& id,
                                                        std::string const& name,
                                                        std::string_view data, std::uint64_t first,
                                                        header_list const& auth) {
  std::string const url = "/up/" + name;
  std::uint64_t const total = data.size();
  constexpr std::uint64_t step = 4096;
  for (; first < total; first += step) {
    std::uint64_t const last = std::min(first + step, total) - 1;
    header_list extra = auth;
    extra.emplace_back("BITS-Session-Id", id);
    extra.emplace_back("Content-Range", content_range(first, last, total));
    auto const r = client.bits_post(url, "Fragment", extra, data.substr(first, last - first + 1));
    auto ok = is_fragment_ack(r, last + 1);
    if (!ok) return ok << " (fragment at " << first << ")";
  }
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
