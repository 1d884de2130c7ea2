#include "config/load.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace bits::config {
namespace {

using namespace std::chrono_literals;

// validate() on configs built in code: no lines, so `where` is the file name alone.

daemon_config valid_config() {
  daemon_config cfg;
  cfg.vdirs.emplace_back();
  cfg.vdirs[0].url = "/up/";
  cfg.vdirs[0].root = "/srv/up";
  return cfg;
}

std::vector<std::string> strings(std::vector<problem> const& problems) {
  std::vector<std::string> out;
  for (auto const& p : problems) out.push_back(p.to_string());
  return out;
}

TEST(Validate, DefaultsWithOneVdirAreValid) {
  EXPECT_TRUE(validate(valid_config(), "c.toml").empty());
}

TEST(Validate, ProblemsCarryTheFileWithoutLine) {
  daemon_config cfg;
  EXPECT_EQ(strings(validate(cfg, "c.toml")),
            std::vector<std::string>{"c.toml: vdir: at least one [[vdir]] is required"});
}

struct rule_case {
  std::string name;
  std::function<void(daemon_config&)> change;
  std::vector<std::string> expected;  // to_string() of every problem, in order
};

void PrintTo(rule_case const& c, std::ostream* os) {
  *os << c.name;
}

class ValidateRule : public testing::TestWithParam<rule_case> {};

TEST_P(ValidateRule, Reports) {
  auto cfg = valid_config();
  GetParam().change(cfg);
  EXPECT_EQ(strings(validate(cfg, "c.toml")), GetParam().expected);
}

std::string const host_msg = "must be a host name or an IP address";

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateRule,
    testing::Values(
        rule_case{"NoListen",
                  [](auto& c) { c.server.listen.clear(); },
                  {"c.toml: server.listen: at least one address is required"}},
        rule_case{"DuplicateListen",
                  [](auto& c) {
                    c.server.listen = {{"::1", 80}, {"", 81}, {"::1", 80}};
                  },
                  {"c.toml: server.listen[3]: duplicate of server.listen[1]"}},
        rule_case{"DuplicateListenTlsAndPlain",
                  [](auto& c) {
                    c.server.listen = {{"::1", 80, false}, {"::1", 80, true}};
                    c.server.tls_cert = "cert.pem";
                    c.server.tls_key = "key.pem";
                  },
                  {"c.toml: server.listen[2]: duplicate of server.listen[1]"}},
        rule_case{"PortZeroTwiceIsFine",
                  [](auto& c) {
                    c.server.listen = {{"", 0}, {"", 0}};
                  },
                  {}},
        rule_case{"ThreadsAtLimit", [](auto& c) { c.server.io_threads = 1024; }, {}},
        rule_case{"NoDiskThreads",
                  [](auto& c) { c.server.disk_threads = 0; },
                  {"c.toml: server.disk_threads: must be between 1 and 1024"}},
        rule_case{"TooManyThreads",
                  [](auto& c) { c.server.io_threads = 1025; },
                  {"c.toml: server.io_threads: must be at most 1024"}},
        rule_case{"ZeroHeaderLimits",
                  [](auto& c) {
                    c.server.max_header_bytes = 0;
                    c.server.max_header_count = 0;
                  },
                  {"c.toml: server.max_header_bytes: must be at least 1",
                   "c.toml: server.max_header_count: must be at least 1"}},
        rule_case{"ZeroServerTimeouts",
                  [](auto& c) {
                    c.server.idle_timeout = 0s;
                    c.server.header_timeout = 0s;
                    c.server.read_timeout = 0s;
                    c.server.write_timeout = 0s;
                  },
                  {"c.toml: server.idle_timeout: must be at least 1 (seconds)",
                   "c.toml: server.header_timeout: must be at least 1 (seconds)",
                   "c.toml: server.read_timeout: must be at least 1 (seconds)",
                   "c.toml: server.write_timeout: must be at least 1 (seconds)"}},
        rule_case{"ZeroIsMeaningfulElsewhere",
                  [](auto& c) {
                    c.server.shutdown_grace = 0s;
                    c.server.sync_interval = 0s;
                    c.server.tombstone_ttl = 0s;
                    c.server.session_wait = 0s;
                    c.vdirs[0].host_id_fallback_timeout = 0s;
                    c.vdirs[0].max_upload_size = 0;
                  },
                  {}},
        rule_case{"ZeroVdirTimeouts",
                  [](auto& c) {
                    c.vdirs[0].session_timeout = 0s;
                    c.vdirs[0].cleanup_interval = 0s;
                  },
                  {"c.toml: vdir[1].session_timeout: must be at least 1 (seconds)",
                   "c.toml: vdir[1].cleanup_interval: must be at least 1 (seconds)"}},
        rule_case{"DirModeWithoutOwnerWrite",
                  [](auto& c) { c.vdirs[0].dir_mode = settings::octal_mode{0550}; },
                  {"c.toml: vdir[1].dir_mode: must give the owner rwx (0700), so the daemon "
                   "can use the folders it creates"}},
        rule_case{"DirModeForms",
                  [](auto& c) {
                    c.vdirs[0].dir_mode = settings::octal_mode{0700};
                    c.vdirs.push_back(c.vdirs[0]);
                    c.vdirs[1].url = "/second/";
                    c.vdirs[1].dir_mode = settings::octal_mode{02770};
                  },
                  {}},
        rule_case{"EmptyRoot",
                  [](auto& c) { c.vdirs[0].root.clear(); },
                  {"c.toml: vdir[1].root: must not be empty"}},
        rule_case{"RelativeRootIsFine", [](auto& c) { c.vdirs[0].root = "data/up"; }, {}},
        rule_case{"SmallFragment",
                  [](auto& c) { c.vdirs[0].max_fragment_size = 5119; },
                  {"c.toml: vdir[1].max_fragment_size: must be at least 5120 (5 KiB)"}},
        rule_case{"SmallestFragment", [](auto& c) { c.vdirs[0].max_fragment_size = 5120; }, {}},
        rule_case{"FragmentAboveUploadLimit",
                  [](auto& c) {
                    c.vdirs[0].max_upload_size = 1;
                    c.vdirs[0].max_fragment_size = 1 << 20;
                  },
                  {}},
        rule_case{"FallbackBeyondDword",
                  [](auto& c) { c.vdirs[0].host_id_fallback_timeout = 0x100000000s; },
                  {"c.toml: vdir[1].host_id_fallback_timeout: must be at most 4294967295"}},
        rule_case{"EvictIdleAfterZero",
                  [](auto& c) { c.vdirs[0].evict_idle_after = 0s; },
                  {"c.toml: vdir[1].evict_idle_after: must be at least 1 (seconds)"}},
        rule_case{"EvictIdleAfterBeyondDword",
                  [](auto& c) { c.vdirs[0].evict_idle_after = 0x100000000s; },
                  {"c.toml: vdir[1].evict_idle_after: must be at most 4294967295"}},
        rule_case{"PerAddressLimitsOff",
                  [](auto& c) {
                    c.server.max_connections_per_address = 0;
                    c.vdirs[0].max_sessions_per_address = 0;
                  },
                  {}},
        rule_case{"TlsListenerNeedsCertificate",
                  [](auto& c) {
                    c.server.listen = {{"127.0.0.1", 8443, true}};
                  },
                  {"c.toml: server.tls_cert: required by the tls:// listeners",
                   "c.toml: server.tls_key: required by the tls:// listeners"}},
        rule_case{"TlsListenerWithCertificate",
                  [](auto& c) {
                    c.server.listen = {{"127.0.0.1", 8443, true}};
                    c.server.tls_cert = "cert.pem";
                    c.server.tls_key = "key.pem";
                  },
                  {}},
        rule_case{"TlsMinVersionLegacy",
                  [](auto& c) { c.server.tls_min_version = settings::tls_version::v1_0; },
                  {}},
        rule_case{"TlsMinVersion13",
                  [](auto& c) { c.server.tls_min_version = settings::tls_version::v1_3; },
                  {}},
        rule_case{"BasicWithoutHtpasswd",
                  [](auto& c) {
                    c.vdirs[0].auth = settings::auth_kind::basic;
                    c.vdirs[0].allow_basic_over_http = true;
                  },
                  {"c.toml: vdir[1].htpasswd: required when auth is \"basic\""}},
        rule_case{"BasicOverPlainListenerRefused",
                  [](auto& c) {
                    c.vdirs[0].auth = settings::auth_kind::basic;
                    c.vdirs[0].htpasswd = "users";
                  },
                  {"c.toml: vdir[1].auth: Basic credentials would cross the plain listener "
                   "server.listen[1] in clear text; use tls:// listeners or set "
                   "allow_basic_over_http = true"}},
        rule_case{"BasicOverTlsOnly",
                  [](auto& c) {
                    c.server.listen = {{"127.0.0.1", 8443, true}};
                    c.server.tls_cert = "cert.pem";
                    c.server.tls_key = "key.pem";
                    c.vdirs[0].auth = settings::auth_kind::basic;
                    c.vdirs[0].htpasswd = "users";
                  },
                  {}},
        rule_case{
            "NotificationWithoutUrl",
            [](auto& c) { c.vdirs[0].notification_type = settings::notification_type::by_value; },
            {"c.toml: vdir[1].notification_url: required when notification_type is "
             "\"value\""}},
        rule_case{"NotificationUrlWithSpace",
                  [](auto& c) {
                    c.vdirs[0].notification_type = settings::notification_type::by_reference;
                    c.vdirs[0].notification_url = "http://app/x y";
                  },
                  {"c.toml: vdir[1].notification_url: must not contain spaces or control "
                   "characters"}},
        rule_case{"NotificationByReference",
                  [](auto& c) {
                    c.vdirs[0].notification_type = settings::notification_type::by_reference;
                    c.vdirs[0].notification_url = "handler";
                  },
                  {}},
        rule_case{"HookCommandRelative",
                  [](auto& c) { c.vdirs[0].hook_command = "bin/on-upload"; },
                  {"c.toml: vdir[1].hook_command: must be an absolute path (no shell is "
                   "involved)"}},
        rule_case{"HookCommandAndUrl",
                  [](auto& c) {
                    c.vdirs[0].hook_command = "/usr/local/bin/on-upload";
                    c.vdirs[0].hook_url = "http://127.0.0.1:9000/hook";
                  },
                  {"c.toml: vdir[1].hook_url: only one of hook_command and hook_url may be set"}},
        rule_case{"HookUrlNotHttp",
                  [](auto& c) { c.vdirs[0].hook_url = "ftp://example.net/hook"; },
                  {"c.toml: vdir[1].hook_url: must be an http:// or https:// URL"}},
        rule_case{"HookTwoSecrets",
                  [](auto& c) {
                    c.vdirs[0].hook_url = "https://example.net/hook";
                    c.vdirs[0].hook_secret = "k";
                    c.vdirs[0].hook_secret_file = "/etc/openbits/hook.key";
                  },
                  {"c.toml: vdir[1].hook_secret_file: only one of hook_secret and "
                   "hook_secret_file may be set"}},
        rule_case{"EmptyUrl",
                  [](auto& c) { c.vdirs[0].url.clear(); },
                  {"c.toml: vdir[1].url: must start with '/'"}},
        rule_case{"UrlQuery",
                  [](auto& c) { c.vdirs[0].url = "/up?x=1/"; },
                  {"c.toml: vdir[1].url: must be a path, without '?' or '#'"}},
        rule_case{"UrlControl",
                  [](auto& c) { c.vdirs[0].url = "/up\n/"; },
                  {"c.toml: vdir[1].url: must not contain control characters"}},
        rule_case{"UrlDoubleSlash",
                  [](auto& c) { c.vdirs[0].url = "//up/"; },
                  {"c.toml: vdir[1].url: must not contain empty, '.' or '..' segments"}},
        rule_case{"UrlDotSegment",
                  [](auto& c) { c.vdirs[0].url = "/up/."; },
                  {"c.toml: vdir[1].url: must not contain empty, '.' or '..' segments"}},
        rule_case{"UrlDottedNameIsFine", [](auto& c) { c.vdirs[0].url = "/.well/..x/"; }, {}},
        rule_case{"UrlsDifferingOnlyInSlash",
                  [](auto& c) {
                    c.vdirs.push_back(c.vdirs[0]);
                    c.vdirs.push_back(c.vdirs[0]);
                    c.vdirs[0].url = "/a/b";
                    c.vdirs[1].url = "/a/";
                    c.vdirs[2].url = "/a/b/";
                  },
                  {"c.toml: vdir[3].url: duplicate of vdir[1].url (\"/a/b/\")"}},
        rule_case{"NestedUrlsAreFine",
                  [](auto& c) {
                    c.vdirs.push_back(c.vdirs[0]);
                    c.vdirs[0].url = "/";
                    c.vdirs[1].url = "/up/";
                  },
                  {}},
        rule_case{"HostIdLong",
                  [](auto& c) { c.vdirs[0].host_id = std::string(301, 'a'); },
                  {"c.toml: vdir[1].host_id: must be at most 300 characters"}},
        rule_case{"HostIdBracketedIpv4",
                  [](auto& c) { c.vdirs[0].host_id = "[10.0.0.1]"; },
                  {"c.toml: vdir[1].host_id: not an IPv6 address inside '[...]'"}},
        rule_case{"HostIdBadAddress",
                  [](auto& c) { c.vdirs[0].host_id = "10.0.0.256"; },
                  {"c.toml: vdir[1].host_id: " + host_msg + " (is \"10.0.0.256\")"}},
        rule_case{"HostIdUnderscore",
                  [](auto& c) { c.vdirs[0].host_id = "node_1"; },
                  {"c.toml: vdir[1].host_id: " + host_msg + " (is \"node_1\")"}},
        rule_case{"HostIdUrl",
                  [](auto& c) { c.vdirs[0].host_id = "http://node1/"; },
                  {"c.toml: vdir[1].host_id: " + host_msg + " (is \"http://node1/\")"}},
        rule_case{"ChecksumXattrOnS3",
                  [](auto& c) {
                    c.vdirs[0].storage = settings::storage_kind::s3;
                    c.vdirs[0].s3_endpoint = "http://127.0.0.1:7480";
                    c.vdirs[0].s3_bucket = "b";
                    c.vdirs[0].checksum_xattr = true;
                  },
                  {"c.toml: vdir[1].checksum_xattr: objects have no extended attributes: not "
                   "with storage = \"s3\" (hooks get the SHA-256 in their post-commit event)"}},
        rule_case{"SecondVdirIndexed",
                  [](auto& c) {
                    c.vdirs.push_back(c.vdirs[0]);
                    c.vdirs[1].url = "/b/";
                    c.vdirs[1].root = "";
                  },
                  {"c.toml: vdir[2].root: must not be empty"}}),
    [](testing::TestParamInfo<rule_case> const& param_info) { return param_info.param.name; });

TEST(Validate, NegativeDurationIsRefused) {
  auto cfg = valid_config();
  cfg.server.shutdown_grace = -1s;
  EXPECT_EQ(strings(validate(cfg, "c.toml")),
            std::vector<std::string>{"c.toml: server.shutdown_grace: must not be negative"});
}

TEST(Validate, AcceptsHostIds) {
  for (std::string id :
       {"node1", "node1.example.com", "NODE-2.Example.COM", "10.0.0.1", "2001:db8::1",
        "[2001:db8::1]", "::ffff:10.0.0.1", "xn--bcher-kva.ch", "a.b.c.d.e.f.g", "0node.example"}) {
    auto cfg = valid_config();
    cfg.vdirs[0].host_id = id;
    EXPECT_EQ(strings(validate(cfg, "c.toml")), std::vector<std::string>{}) << id;
  }
}

TEST(Validate, ReportsEveryProblem) {
  daemon_config cfg;
  cfg.server.listen.clear();
  cfg.server.disk_threads = 0;
  cfg.vdirs.resize(2);
  cfg.vdirs[1].max_fragment_size = 0;
  EXPECT_EQ(strings(validate(cfg, "c.toml")),
            (std::vector<std::string>{
                "c.toml: server.listen: at least one address is required",
                "c.toml: server.disk_threads: must be between 1 and 1024",
                "c.toml: vdir[1].root: must not be empty",
                "c.toml: vdir[2].root: must not be empty",
                "c.toml: vdir[2].max_fragment_size: must be at least 5120 (5 KiB)",
                "c.toml: vdir[2].url: duplicate of vdir[1].url (\"/\")",
            }));
}

TEST(ParseDirMode, ReadsOctalAsChmodDoes) {
  EXPECT_EQ(parse_dir_mode("0750"), 0750u);
  EXPECT_EQ(parse_dir_mode("750"), 0750u);
  EXPECT_EQ(parse_dir_mode("2770"), 02770u);
  EXPECT_EQ(parse_dir_mode("02770"), 02770u);
  for (char const* bad : {"", "75", "07", "12345", "000750", "0x1ED", "-750", "750 ", "8"}) {
    EXPECT_FALSE(parse_dir_mode(bad)) << bad;
  }
}

}  // namespace
}  // namespace bits::config
