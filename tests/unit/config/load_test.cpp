#include "config/load.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace bits::config {
namespace {

using namespace std::chrono_literals;

std::string all(std::vector<problem> const& problems) {
  std::string out;
  for (auto const& p : problems) out += p.to_string() + "\n";
  return out;
}

std::vector<std::string> strings(std::vector<problem> const& problems) {
  std::vector<std::string> out;
  for (auto const& p : problems) out.push_back(p.to_string());
  return out;
}

// A valid tail appended to cases that are about [server], so that only the problem under
// test is reported.
constexpr std::string_view one_vdir = "[[vdir]]\nroot = \"/srv\"\n";

struct problem_case {
  std::string_view name;
  std::string text;
  std::string where;    // "t.toml:line" or "t.toml"
  std::string key;      // dotted, 1-based indexes
  std::string message;  // exact, or a substring for toml++'s own syntax messages
};

void PrintTo(problem_case const& c, std::ostream* os) {
  *os << c.name;
}

class LoadProblem : public testing::TestWithParam<problem_case> {};

TEST_P(LoadProblem, ReportsExactlyThisProblem) {
  auto const& c = GetParam();
  auto const result = load_config_text(c.text, "t.toml");
  ASSERT_EQ(result.problems.size(), 1u) << all(result.problems);
  auto const& p = result.problems.front();
  EXPECT_EQ(p.where, c.where);
  EXPECT_EQ(p.key, c.key);
  EXPECT_NE(p.message.find(c.message), std::string::npos) << p.to_string();
  if (!c.key.empty()) {
    EXPECT_EQ(p.to_string(), c.where + ": " + c.key + ": " + c.message);
  }
}

std::string const vdir1 = std::string(one_vdir);  // two lines: [[vdir]], root

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadProblem,
    testing::Values(
        problem_case{"SyntaxError", "[[vdir]]\nroot = \"/srv\"\nurl = /x\n", "t.toml:3", "",
                     "Error while parsing"},
        problem_case{"DuplicateKeyIsSyntax", vdir1 + "root = \"/other\"\n", "t.toml:3", "",
                     "redefine"},
        problem_case{"UnknownServerKey", "[server]\nlisten = [\":80\"]\nlistn = 3\n" + vdir1,
                     "t.toml:3", "server.listn", "unknown key"},
        problem_case{
            "UnknownVdirKey",
            vdir1 + "url = \"/a/\"\n[[vdir]]\nurl = \"/b/\"\nroot = \"/b\"\nroot_dir = 1\n",
            "t.toml:7", "vdir[2].root_dir", "unknown key"},
        problem_case{"UnknownTopLevelTable", "[srever]\nlisten = []\n" + vdir1, "t.toml:1",
                     "srever", "unknown key"},
        problem_case{"UnknownDottedTable", vdir1 + "[vdir.tls]\ncert = 1\n", "t.toml:3",
                     "vdir[1].tls", "unknown key"},
        problem_case{"UnknownTopLevelKey", "port = 8080\n" + vdir1, "t.toml:1", "port",
                     "unknown key"},
        problem_case{"IntegerAsString", "[server]\nidle_timeout = \"120\"\n" + vdir1, "t.toml:2",
                     "server.idle_timeout", "expected an integer"},
        problem_case{"IntegerAsFloat", vdir1 + "max_upload_size = 1.5e9\n", "t.toml:3",
                     "vdir[1].max_upload_size", "expected an integer"},
        problem_case{"BoolAsString", vdir1 + "upload_enabled = \"yes\"\n", "t.toml:3",
                     "vdir[1].upload_enabled", "expected a boolean (true or false)"},
        problem_case{"StringAsInteger", "[server]\nlog_level = 3\n" + vdir1, "t.toml:2",
                     "server.log_level", "expected a string"},
        problem_case{"ListenAsNumber", "[server]\nlisten = 8080\n" + vdir1, "t.toml:2",
                     "server.listen",
                     "expected a string or an array of strings, e.g. [\"0.0.0.0:8080\"]"},
        problem_case{"ListenElementType", "[server]\nlisten = [\n  \":80\",\n  443,\n]\n" + vdir1,
                     "t.toml:4", "server.listen[2]", "expected a string"},
        problem_case{"ServerNotATable", "server = 3\n" + vdir1, "t.toml:1", "server",
                     "expected a table ([server])"},
        problem_case{"VdirNotAnArray", "[vdir]\nroot = \"/srv\"\n", "t.toml:1", "vdir",
                     "expected an array of tables ([[vdir]])"},
        problem_case{"VdirElementNotATable", "vdir = [1]\n", "t.toml:1", "vdir[1]",
                     "expected a table"},
        problem_case{"Negative", vdir1 + "max_upload_size = -1\n", "t.toml:3",
                     "vdir[1].max_upload_size", "must not be negative"},
        problem_case{"NegativeThreads", "[server]\nio_threads = -2\n" + vdir1, "t.toml:2",
                     "server.io_threads", "must not be negative"},
        problem_case{"ThreadsBeyondUnsigned", "[server]\nio_threads = 5000000000\n" + vdir1,
                     "t.toml:2", "server.io_threads", "must be at most 4294967295"},
        problem_case{"TooManyThreads", "[server]\nio_threads = 1025\n" + vdir1, "t.toml:2",
                     "server.io_threads", "must be at most 1024"},
        problem_case{"PortOutOfRange",
                     "[server]\nlisten = [\n  \":8080\",\n  \"127.0.0.1:65536\",\n]\n" + vdir1,
                     "t.toml:4", "server.listen[2]",
                     "port must be in 0..65535 (\"127.0.0.1:65536\")"},
        problem_case{"ListenMissingPort", "[server]\nlisten = [\"localhost:\"]\n" + vdir1,
                     "t.toml:2", "server.listen[1]",
                     "missing port number after ':' (\"localhost:\")"},
        problem_case{"ListenGarbage", "[server]\nlisten = [\"8080\"]\n" + vdir1, "t.toml:2",
                     "server.listen[1]", "missing ':port' (\"8080\")"},
        problem_case{"ListenEmpty", "[server]\nlisten = []\n" + vdir1, "t.toml:2", "server.listen",
                     "at least one address is required"},
        problem_case{"ListenDuplicate", "[server]\nlisten = [\":80\", \":80\"]\n" + vdir1,
                     "t.toml:2", "server.listen[2]", "duplicate of server.listen[1]"},
        problem_case{"BadLogLevel", "[server]\nlog_level = \"verbose\"\n" + vdir1, "t.toml:2",
                     "server.log_level",
                     "must be one of trace, debug, info, warn, error, off (is \"verbose\")"},
        problem_case{"ZeroTimeout", "[server]\nheader_timeout = 0\n" + vdir1, "t.toml:2",
                     "server.header_timeout", "must be at least 1 (seconds)"},
        problem_case{"ZeroSessionTimeout", vdir1 + "session_timeout = 0\n", "t.toml:3",
                     "vdir[1].session_timeout", "must be at least 1 (seconds)"},
        problem_case{"MissingRoot", "[[vdir]]\nurl = \"/a/\"\n", "t.toml:1", "vdir[1].root",
                     "required key is missing"},
        problem_case{"EmptyRoot", "[[vdir]]\nroot = \"\"\n", "t.toml:2", "vdir[1].root",
                     "must not be empty"},
        problem_case{"UrlWithoutSlash", vdir1 + "url = \"up\"\n", "t.toml:3", "vdir[1].url",
                     "must start with '/'"},
        problem_case{"UrlWithDotSegment", vdir1 + "url = \"/a/../b\"\n", "t.toml:3", "vdir[1].url",
                     "must not contain empty, '.' or '..' segments"},
        problem_case{"DuplicateUrl",
                     vdir1 + "url = \"/a\"\n\n[[vdir]]\nroot = \"/b\"\nurl = \"/a/\"\n", "t.toml:7",
                     "vdir[2].url", "duplicate of vdir[1].url (\"/a/\")"},
        problem_case{"DefaultUrlTwice", vdir1 + vdir1, "t.toml:3", "vdir[2].url",
                     "duplicate of vdir[1].url (\"/\")"},
        problem_case{"NoVdir", "[server]\nio_threads = 2\n", "t.toml", "vdir",
                     "at least one [[vdir]] is required"},
        problem_case{"EmptyFile", "", "t.toml", "vdir", "at least one [[vdir]] is required"},
        problem_case{"EmptyVdirArray", "vdir = []\n", "t.toml:1", "vdir",
                     "at least one [[vdir]] is required"},
        problem_case{"SmallFragment", vdir1 + "max_fragment_size = 5119\n", "t.toml:3",
                     "vdir[1].max_fragment_size", "must be at least 5120 (5 KiB)"},
        problem_case{"BadHostId", vdir1 + "host_id = \"-node-.example\"\n", "t.toml:3",
                     "vdir[1].host_id",
                     "must be a host name or an IP address (is \"-node-.example\")"},
        problem_case{"HostIdWithPort", vdir1 + "host_id = \"node1:8080\"\n", "t.toml:3",
                     "vdir[1].host_id", "must be a host name or an IP address (is \"node1:8080\")"},
        problem_case{"LongHostId", vdir1 + "host_id = \"" + std::string(301, 'a') + "\"\n",
                     "t.toml:3", "vdir[1].host_id", "must be at most 300 characters"},
        // Typed settings: what validate() saw as strings before is now read here.
        problem_case{"BadListen", "[server]\nlisten = [\":80\", \"::1:80\"]\n" + vdir1, "t.toml:2",
                     "server.listen[2]",
                     "IPv6 addresses must be written in brackets, e.g. \"[::1]:8080\" "
                     "(\"::1:80\")"},
        problem_case{"UpperCaseLogLevel", "[server]\nlog_level = \"INFO\"\n" + vdir1, "t.toml:2",
                     "server.log_level",
                     "must be one of trace, debug, info, warn, error, off (is \"INFO\")"},
        problem_case{"UnknownAuth", vdir1 + "auth = \"digest\"\n", "t.toml:3", "vdir[1].auth",
                     "must be one of none, basic, negotiate, ntlm (is \"digest\")"},
        problem_case{"UnknownAuthInList", vdir1 + "auth = [\"negotiate\", \"kerberos\"]\n",
                     "t.toml:3", "vdir[1].auth[2]",
                     "must be one of none, basic, negotiate, ntlm (is \"kerberos\")"},
        problem_case{"AuthListedTwice",
                     vdir1 + "auth = [\"negotiate\", \"negotiate\"]\nkeytab = \"k\"\n", "t.toml:3",
                     "vdir[1].auth", "\"negotiate\" is listed twice"},
        problem_case{"NegotiateWithoutKeytab", vdir1 + "auth = \"negotiate\"\n", "t.toml:1",
                     "vdir[1].keytab",
                     "auth \"negotiate\" needs a keytab (Kerberos), ntlm_users, or both"},
        problem_case{"KeytabWithoutNegotiate", vdir1 + "keytab = \"k\"\n", "t.toml:3",
                     "vdir[1].keytab", "used only with auth \"negotiate\" or \"ntlm\""},
        problem_case{"AllowAsString", vdir1 + "allow = \"alice\"\n", "t.toml:3", "vdir[1].allow",
                     "expected an array of strings"},
        problem_case{"UnknownNotificationType", vdir1 + "notification_type = \"byvalue\"\n",
                     "t.toml:3", "vdir[1].notification_type",
                     "must be one of none, reference, value (is \"byvalue\")"},
        problem_case{"DirModeNotOctal", vdir1 + "dir_mode = \"750a\"\n", "t.toml:3",
                     "vdir[1].dir_mode", "must be an octal mode such as \"0750\" (is \"750a\")"},
        problem_case{"DirModeAsDecimalDigits", vdir1 + "dir_mode = \"0890\"\n", "t.toml:3",
                     "vdir[1].dir_mode", "must be an octal mode such as \"0750\" (is \"0890\")"},
        problem_case{
            "DirModeWithoutOwnerWrite", vdir1 + "dir_mode = \"0550\"\n", "t.toml:3",
            "vdir[1].dir_mode",
            "must give the owner rwx (0700), so the daemon can use the folders it creates"},
        problem_case{"TlsMinVersionUnknown", "[server]\ntls_min_version = \"TLSv1.2\"\n" + vdir1,
                     "t.toml:2", "server.tls_min_version",
                     "must be one of 1.0, 1.1, 1.2, 1.3 (is \"TLSv1.2\")"},
        problem_case{"EnumAsInteger", vdir1 + "auth = 1\n", "t.toml:3", "vdir[1].auth",
                     "expected a string or an array of strings, e.g. [\"negotiate\"]"},
        problem_case{"NegativeDuration", "[server]\nsync_interval = -5\n" + vdir1, "t.toml:2",
                     "server.sync_interval", "must not be negative"},
        problem_case{"TlsListenerNeedsCertificate",
                     "[server]\nlisten = [\"tls://127.0.0.1:8443\"]\ntls_key = \"k.pem\"\n" + vdir1,
                     "t.toml:1", "server.tls_cert", "required by the tls:// listeners"}),
    [](testing::TestParamInfo<problem_case> const& param_info) {
      return std::string(param_info.param.name);
    });

TEST(LoadConfig, ReportsEveryProblemInFileOrder) {
  auto const result = load_config_text(
      "[server]\n"                     // 1
      "listen = [\":80\", \"x:y\"]\n"  // 2
      "io_threads = -1\n"              // 3
      "colour = \"blue\"\n"            // 4
      "[[vdir]]\n"                     // 5
      "url = \"/a\"\n"                 // 6
      "max_fragment_size = 100\n"      // 7
      "[[vdir]]\n"                     // 8
      "url = \"/a/\"\n"                // 9
      "upload_enabled = 1\n"           // 10
      "[extra]\n",                     // 11
      "multi.toml");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(strings(result.problems),
            (std::vector<std::string>{
                "multi.toml:2: server.listen[2]: port is not a decimal number (\"x:y\")",
                "multi.toml:3: server.io_threads: must not be negative",
                "multi.toml:4: server.colour: unknown key",
                "multi.toml:5: vdir[1].root: required key is missing",
                "multi.toml:7: vdir[1].max_fragment_size: must be at least 5120 (5 KiB)",
                "multi.toml:8: vdir[2].root: required key is missing",
                "multi.toml:9: vdir[2].url: duplicate of vdir[1].url (\"/a/\")",
                "multi.toml:10: vdir[2].upload_enabled: expected a boolean (true or false)",
                "multi.toml:11: extra: unknown key",
            }));
}

TEST(LoadConfig, ProblemWithoutLineComesLast) {
  auto const result = load_config_text("[server]\nlog_level = \"loud\"\n", "t.toml");
  EXPECT_EQ(strings(result.problems),
            (std::vector<std::string>{
                "t.toml:2: server.log_level: must be one of trace, debug, info, warn, error, "
                "off (is \"loud\")",
                "t.toml: vdir: at least one [[vdir]] is required",
            }));
}

TEST(LoadConfig, MinimalConfigYieldsDefaults) {
  auto const result = load_config_text(std::string(one_vdir), "t.toml");
  ASSERT_TRUE(result.ok()) << all(result.problems);
  EXPECT_EQ(result.config.server, server_config{});
  ASSERT_EQ(result.config.vdirs.size(), 1u);
  vdir_config expected;
  expected.root = "/srv";
  EXPECT_EQ(result.config.vdirs[0], expected);
  EXPECT_EQ(result.config.vdirs[0].url, "/");
  EXPECT_EQ(result.config.server.listen,
            (settings::listen_list{settings::listen_endpoint{"0.0.0.0", 8080, false}}));
}

TEST(LoadConfig, EveryKeyReachesItsField) {
  auto const result = load_config_text(R"(
[server]
listen = ["127.0.0.1:1", "[::1]:2", ":0"]
io_threads = 3
disk_threads = 4
log_level = "debug"
max_header_bytes = 4
max_header_count = 5
idle_timeout = 6
header_timeout = 7
read_timeout = 8
write_timeout = 9
shutdown_grace = 10
sync_interval = 11
tombstone_ttl = 12
session_wait = 13
[[vdir]]
url = "/in"
root = "/srv/in"
spool_dir = "/srv/spool"
upload_enabled = false
downloads_enabled = false
max_upload_size = 14
max_fragment_size = 5121
allow_overwrites = true
create_dirs = true
dir_mode = "2770"
session_timeout = 15
cleanup_interval = 16
host_id = "node7.example.net"
host_id_fallback_timeout = 17
)",
                                       "t.toml");
  ASSERT_TRUE(result.ok()) << all(result.problems);
  auto const& s = result.config.server;
  EXPECT_EQ(s.listen,
            (settings::listen_list{{"127.0.0.1", 1, false}, {"::1", 2, false}, {"", 0, false}}));
  EXPECT_EQ(s.io_threads, 3u);
  EXPECT_EQ(s.disk_threads, 4u);
  EXPECT_EQ(s.log_level, settings::log_level::debug);
  EXPECT_EQ(s.max_header_bytes, 4u);
  EXPECT_EQ(s.max_header_count, 5u);
  EXPECT_EQ(s.idle_timeout, 6s);
  EXPECT_EQ(s.header_timeout, 7s);
  EXPECT_EQ(s.read_timeout, 8s);
  EXPECT_EQ(s.write_timeout, 9s);
  EXPECT_EQ(s.shutdown_grace, 10s);
  EXPECT_EQ(s.sync_interval, 11s);
  EXPECT_EQ(s.tombstone_ttl, 12s);
  EXPECT_EQ(s.session_wait, 13s);
  ASSERT_EQ(result.config.vdirs.size(), 1u);
  auto const& v = result.config.vdirs[0];
  EXPECT_EQ(v.url, "/in/");
  EXPECT_EQ(v.root, "/srv/in");
  EXPECT_EQ(v.spool_dir, "/srv/spool");
  EXPECT_FALSE(v.upload_enabled);
  EXPECT_FALSE(v.downloads_enabled);
  EXPECT_EQ(v.max_upload_size, 14u);
  EXPECT_EQ(v.max_fragment_size, 5121u);
  EXPECT_TRUE(v.allow_overwrites);
  EXPECT_TRUE(v.create_dirs);
  EXPECT_EQ(v.dir_mode, settings::octal_mode{02770});
  EXPECT_EQ(v.session_timeout, 15s);
  EXPECT_EQ(v.cleanup_interval, 16s);
  EXPECT_EQ(v.host_id, "node7.example.net");
  EXPECT_EQ(v.host_id_fallback_timeout, 17s);
}

TEST(LoadConfig, AcceptsEveryLogLevel) {
  std::vector<std::pair<std::string, settings::log_level>> const levels{
      {"trace", settings::log_level::trace}, {"debug", settings::log_level::debug},
      {"info", settings::log_level::info},   {"warn", settings::log_level::warn},
      {"error", settings::log_level::error}, {"off", settings::log_level::off}};
  for (auto const& [name, level] : levels) {
    auto const result =
        load_config_text("[server]\nlog_level = \"" + name + "\"\n" + vdir1, "t.toml");
    ASSERT_TRUE(result.ok()) << name << "\n" << all(result.problems);
    EXPECT_EQ(result.config.server.log_level, level) << name;
  }
}

TEST(LoadConfig, ReadsEnumerationsAndTlsListeners) {
  auto const result = load_config_text(
      "[server]\nlisten = [\"tls://[::1]:8443\"]\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n"
      "[[vdir]]\nroot = \"/srv\"\nnotification_type = \"value\"\nnotification_url = \"app\"\n"
      "auth = \"basic\"\nhtpasswd = \"users\"\n",
      "t.toml");
  ASSERT_TRUE(result.ok()) << all(result.problems);
  EXPECT_EQ(result.config.server.listen, (settings::listen_list{{"::1", 8443, true}}));
  EXPECT_EQ(result.config.vdirs[0].notification_type, settings::notification_type::by_value);
  EXPECT_EQ(result.config.vdirs[0].auth, settings::auth_kind::basic);
}

// What validate() reported from string values before the settings were typed: a bad
// listen entry and an unknown log level are both found, each on its line.
TEST(LoadConfig, ReportsBadListenAndLogLevelTogether) {
  auto const result =
      load_config_text("[server]\nlisten = [\"nonsense\"]\nlog_level = \"\"\n" + vdir1, "t.toml");
  EXPECT_EQ(strings(result.problems),
            (std::vector<std::string>{
                "t.toml:2: server.listen[1]: missing ':port' (\"nonsense\")",
                "t.toml:3: server.log_level: must be one of trace, debug, info, warn, error, off "
                "(is \"\")",
            }));
}

TEST(LoadConfig, ReadsDirModeAndTlsVersionForms) {
  auto const result = load_config_text(
      "[server]\ntls_min_version = \"1.0\"\n[[vdir]]\nurl = \"/a/\"\nroot = \"/a\"\n"
      "dir_mode = \"700\"\n[[vdir]]\nurl = \"/b/\"\nroot = \"/b\"\ndir_mode = \"02770\"\n",
      "t.toml");
  ASSERT_TRUE(result.ok()) << all(result.problems);
  EXPECT_EQ(result.config.server.tls_min_version, settings::tls_version::v1_0);
  EXPECT_EQ(result.config.vdirs.at(0).dir_mode, settings::octal_mode{0700});
  EXPECT_EQ(result.config.vdirs.at(1).dir_mode, settings::octal_mode{02770});
}

TEST(LoadConfig, AcceptsLargestValues) {
  auto const result = load_config_text(
      vdir1 + "max_upload_size = 9223372036854775807\nhost_id_fallback_timeout = 4294967295\n",
      "t.toml");
  ASSERT_TRUE(result.ok()) << all(result.problems);
  EXPECT_EQ(result.config.vdirs[0].max_upload_size, 9223372036854775807u);
}

TEST(LoadConfig, NormalisesUrlToEndWithSlash) {
  struct url_case {
    std::string in;
    std::string out;
  };
  for (auto const& c : {url_case{"/", "/"}, url_case{"/up", "/up/"}, url_case{"/up/", "/up/"},
                        url_case{"/a/b", "/a/b/"}, url_case{"/a b/c", "/a b/c/"}}) {
    auto const result = load_config_text(vdir1 + "url = \"" + c.in + "\"\n", "t.toml");
    ASSERT_TRUE(result.ok()) << c.in << "\n" << all(result.problems);
    EXPECT_EQ(result.config.vdirs[0].url, c.out) << c.in;
  }
}

TEST(LoadConfig, KeepsVdirsInFileOrder) {
  auto const result = load_config_text(
      "[[vdir]]\nurl = \"/b\"\nroot = \"/b\"\n[[vdir]]\nurl = \"/a\"\nroot = \"/a\"\n", "t.toml");
  ASSERT_TRUE(result.ok()) << all(result.problems);
  ASSERT_EQ(result.config.vdirs.size(), 2u);
  EXPECT_EQ(result.config.vdirs[0].url, "/b/");
  EXPECT_EQ(result.config.vdirs[1].url, "/a/");
}

TEST(LoadConfig, FragmentLargerThanUploadLimitIsAllowed) {
  auto const result =
      load_config_text(vdir1 + "max_upload_size = 6000\nmax_fragment_size = 16777216\n", "t.toml");
  EXPECT_TRUE(result.ok()) << all(result.problems);
}

TEST(Problem, ToStringFormats) {
  EXPECT_EQ((problem{"a.toml:3", "server.listen[1]", "bad"}.to_string()),
            "a.toml:3: server.listen[1]: bad");
  EXPECT_EQ((problem{"a.toml:3", "", "syntax"}.to_string()), "a.toml:3: syntax");
  EXPECT_EQ((problem{"a.toml", "", "cannot open"}.to_string()), "a.toml: cannot open");
}

class LoadConfigFile : public testing::Test {
 protected:
  void SetUp() override {
    auto const* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(testing::TempDir()) /
           (std::string("openbits_config_") + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(std::string const& name, std::string const& text) {
    auto const path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(LoadConfigFile, ReadsAValidFile) {
  auto const path = write("ok.toml", "[server]\nlisten = [\":0\"]\n" + vdir1);
  auto const result = load_config_file(path);
  ASSERT_TRUE(result.ok()) << all(result.problems);
  EXPECT_EQ(result.config.server.listen, (settings::listen_list{{"", 0, false}}));
}

TEST_F(LoadConfigFile, ProblemsNameTheFile) {
  auto const path = write("bad.toml", vdir1 + "max_fragment_size = -5\n");
  EXPECT_EQ(strings(load_config_file(path).problems),
            std::vector<std::string>{path + ":3: vdir[1].max_fragment_size: must not be negative"});
}

TEST_F(LoadConfigFile, SyntaxErrorNamesFileAndLine) {
  auto const path = write("syntax.toml", "[server\n");
  auto const result = load_config_file(path);
  ASSERT_EQ(result.problems.size(), 1u) << all(result.problems);
  EXPECT_EQ(result.problems[0].where, path + ":1");
}

TEST_F(LoadConfigFile, MissingFile) {
  auto const path = (dir_ / "absent.toml").string();
  EXPECT_EQ(strings(load_config_file(path).problems),
            std::vector<std::string>{path + ": cannot open: No such file or directory"});
}

TEST_F(LoadConfigFile, Directory) {
  EXPECT_EQ(strings(load_config_file(dir_.string()).problems),
            std::vector<std::string>{dir_.string() + ": is a directory, not a configuration file"});
}

}  // namespace
}  // namespace bits::config
