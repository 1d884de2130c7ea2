// openbitsd behind the real nginx and haproxy from Debian, configured with the files
// the README documents (packaging/proxy/), TLS at the proxy: whole uploads with 16 MiB
// fragments by `openbits`, BITS header names in their case through the proxy, one
// kept-alive upstream connection, and the client address in openbitsd's log taken from
// X-Forwarded-For only with trusted_proxies. The proxies connect to openbitsd from
// 127.0.0.2, the client from 127.0.0.1, so the two addresses can be told apart.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace bits::test {
namespace {

std::string read_text(std::filesystem::path const& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `text` with `from` (which must occur) replaced by `to`; "" when it does not occur.
std::string replaced(std::string text, std::string const& from, std::string const& to) {
  auto const at = text.find(from);
  if (at == std::string::npos) return {};
  return text.replace(at, from.size(), to);
}

/// A port free on 127.0.0.1 now (bound to port 0 and released).
std::uint16_t free_port() {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

enum class proxy_kind { nginx, haproxy };

std::string name_of(proxy_kind k) {
  return k == proxy_kind::nginx ? "nginx" : "haproxy";
}

class Proxy : public client_test, public ::testing::WithParamInterface<proxy_kind> {
 protected:
  void SetUp() override {
    auto const binary = GetParam() == proxy_kind::nginx ? "/usr/sbin/nginx" : "/usr/sbin/haproxy";
    if (!std::filesystem::exists(binary)) GTEST_SKIP() << binary << " is not installed";
  }

  /// openbitsd, then a self-signed certificate for 127.0.0.1 and the proxy on a free
  /// port, with TLS, in front of it.
  ::testing::AssertionResult start_behind_proxy(std::vector<std::string> const& trusted) {
    server_options server;
    if (!trusted.empty()) server.set("trusted_proxies", trusted);
    if (auto started = start({}, server); !started) return started;
    auto const dir = tmp() / "proxy";
    std::filesystem::create_directories(dir / "tmp");
    cert_ = dir / "cert.pem";
    auto const key = dir / "key.pem";
    auto const made =
        run_to_exit("/usr/bin/openssl",
                    {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                     "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                     "-days", "2", "-keyout", key.string(), "-out", cert_.string()});
    if (!made.status.exited || made.status.code != 0) {
      return ::testing::AssertionFailure() << "openssl: " << made.output;
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
      proxy_port_ = free_port();
      auto const config =
          GetParam() == proxy_kind::nginx ? nginx_config(dir, key) : haproxy_config(dir, key);
      if (config.empty()) {
        return ::testing::AssertionFailure() << "the documented configuration has changed";
      }
      if (auto up = launch(dir, config)) return up;
      proxy_.reset();  // the port was taken meanwhile: another one
    }
    return ::testing::AssertionFailure()
           << name_of(GetParam()) << " did not start: " << read_text(dir / "proxy.err");
  }

  std::string nginx_config(std::filesystem::path const& dir, std::filesystem::path const& key) {
    auto site = read_text(PROXY_CONFIG_DIR "/nginx-openbitsd.conf");
    site = replaced(site, "server 127.0.0.1:8080;",
                    "server 127.0.0.1:" + std::to_string(port()) + ";");
    site = replaced(site, "listen 443 ssl;",
                    "listen 127.0.0.1:" + std::to_string(proxy_port_) + " ssl;");
    site = replaced(site, "listen [::]:443 ssl;", "");
    site = replaced(site, "/etc/ssl/certs/bits.example.com.pem", cert_.string());
    site = replaced(site, "/etc/ssl/private/bits.example.com.key", key.string());
    // From 127.0.0.2, so that openbitsd sees the proxy, not the client, as its peer.
    site = replaced(site, "proxy_pass http://openbitsd;",
                    "proxy_pass http://openbitsd;\n        proxy_bind 127.0.0.2;");
    if (site.empty()) return {};
    std::ofstream(dir / "site.conf") << site;
    std::ofstream(dir / "nginx.conf")
        << "daemon off; worker_processes 1; pid nginx.pid; error_log stderr notice;\n"
           "events { worker_connections 256; }\n"
           "http {\n  access_log off;\n"
           "  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy;\n"
           "  fastcgi_temp_path tmp/fcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;\n"
           "  include site.conf;\n}\n";
    return (dir / "nginx.conf").string();
  }

  std::string haproxy_config(std::filesystem::path const& dir, std::filesystem::path const& key) {
    // haproxy wants certificate and key in one file.
    auto const pem = dir / "both.pem";
    std::ofstream(pem) << read_text(cert_) << read_text(key);
    auto cfg = read_text(PROXY_CONFIG_DIR "/haproxy-openbitsd.cfg");
    cfg = replaced(cfg, "bind :443 ssl crt /etc/haproxy/certs/bits.example.com.pem",
                   "bind 127.0.0.1:" + std::to_string(proxy_port_) + " ssl crt " + pem.string());
    cfg = replaced(cfg, "server openbitsd 127.0.0.1:8080",
                   "server openbitsd 127.0.0.1:" + std::to_string(port()) + " source 127.0.0.2");
    if (cfg.empty()) return {};
    std::ofstream(dir / "haproxy.cfg") << cfg;
    return (dir / "haproxy.cfg").string();
  }

  /// Starts the proxy on `config` and waits (<= 5 s) until its port accepts.
  ::testing::AssertionResult launch(std::filesystem::path const& dir, std::string const& config) {
    std::vector<std::string> args;
    std::string binary;
    if (GetParam() == proxy_kind::nginx) {
      binary = "/usr/sbin/nginx";
      args = {"-p", dir.string() + "/", "-c", config};
    } else {
      binary = "/usr/sbin/haproxy";
      args = {"-db", "-f", config};
    }
    proxy_ = std::make_unique<child_process>(binary, args, dir / "proxy.out", dir / "proxy.err");
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!proxy_->running()) return ::testing::AssertionFailure() << "exited";
      raw_client probe(proxy_port_, std::chrono::seconds(1));
      if (probe.is_open()) return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ::testing::AssertionFailure() << "port " << proxy_port_ << " never accepted";
  }

  [[nodiscard]] std::string proxy_url(std::string const& name) const {
    return "https://127.0.0.1:" + std::to_string(proxy_port_) + "/up/" + name;
  }

  /// A whole upload of `size` bytes through the proxy in 16 MiB fragments.
  void upload_through_proxy(std::string const& name, std::size_t size) {
    auto const file = random_file(name + ".in", size, size + 7);
    auto const r = openbits({"upload", file.string(), proxy_url(name), "--cacert", cert_.string(),
                             "--fragment-size", "16M", "--json", "--no-state"});
    ASSERT_EQ(r.code(), 0) << r.describe() << "\n" << read_text(tmp() / "proxy" / "proxy.err");
    EXPECT_EQ(r.json["bytes"], size);
    EXPECT_EQ(r.json["fragments"], (size + (16U << 20U) - 1) / (16U << 20U)) << r.out;
    EXPECT_EQ(sha256_file_hex(root() / name), sha256_file_hex(file));
  }

  /// The remote addresses of the BITS_POST lines of openbitsd's log (port dropped),
  /// and the remote ports of the proxy's connections.
  void logged_remotes(std::set<std::string>& addresses, std::set<std::string>& ports) {
    std::regex const line(R"( info (\S+):(\d+) BITS_POST )");
    std::istringstream log(server().log());
    for (std::string text; std::getline(log, text);) {
      std::smatch m;
      if (!std::regex_search(text, m, line)) continue;
      addresses.insert(m[1]);
      ports.insert(m[2]);
    }
  }

  std::filesystem::path cert_;
  std::uint16_t proxy_port_ = 0;
  std::unique_ptr<child_process> proxy_;
};

TEST_P(Proxy, WholeUploadsPassWithTheClientAddressFromTheTrustedProxy) {
  ASSERT_TRUE(start_behind_proxy({"127.0.0.2"}));
  upload_through_proxy("a.bin", (16U << 20U) * 2 + 12345);
  upload_through_proxy("b.bin", 1000);
  std::set<std::string> addresses, ports;
  logged_remotes(addresses, ports);
  EXPECT_EQ(addresses, (std::set<std::string>{"127.0.0.1"})) << server().log_tail();
  EXPECT_EQ(ports, (std::set<std::string>{"0"})) << "a forwarded client has no port";
}

TEST_P(Proxy, WithoutTrustedProxiesTheProxyIsTheClientAndUpstreamIsKeptAlive) {
  ASSERT_TRUE(start_behind_proxy({}));
  upload_through_proxy("a.bin", (16U << 20U) + 1);
  upload_through_proxy("b.bin", 1000);
  std::set<std::string> addresses, ports;
  logged_remotes(addresses, ports);
  EXPECT_EQ(addresses, (std::set<std::string>{"127.0.0.2"})) << server().log_tail();
  // Two openbits runs (two client connections each at least), one upstream connection.
  EXPECT_EQ(ports.size(), 1u) << server().log_tail();
}

TEST_P(Proxy, BitsHeaderNamesKeepTheirCase) {
  ASSERT_TRUE(start_behind_proxy({"127.0.0.2"}));
  auto const r = run_to_exit(
      "/usr/bin/curl", {"-s", "-D", "-", "-o", "/dev/null", "--cacert", cert_.string(), "-X",
                        "BITS_POST", "-H", "BITS-Packet-Type: Create-Session", "-H",
                        "BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}", "-H",
                        "Content-Length: 0", proxy_url("c.bin")});
  ASSERT_TRUE(r.status.exited && r.status.code == 0) << r.output;
  EXPECT_NE(r.output.find("\nBITS-Packet-Type: Ack"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nBITS-Session-Id: {"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nBITS-Protocol: {7df0354d"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nContent-Length: 0"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(Proxies, Proxy, ::testing::Values(proxy_kind::nginx, proxy_kind::haproxy),
                         [](auto const& param_info) { return name_of(param_info.param); });

}  // namespace
}  // namespace bits::test
