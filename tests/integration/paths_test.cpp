// Request targets that try to leave the upload root: each Create-Session is refused,
// nothing appears outside the root, and the daemon keeps serving.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <set>

namespace bits::test {
namespace {

struct escape_case {
  std::string name;    ///< test name suffix
  std::string target;  ///< request target, sent as is
  int status;          ///< expected status
};

void PrintTo(escape_case const& c, std::ostream* os) {
  *os << c.target;
}

class Paths : public daemon_test, public ::testing::WithParamInterface<escape_case> {
 protected:
  /// Every path under tmp() except the root's contents and the daemon's own files.
  std::set<std::string> outside_snapshot() const {
    std::set<std::string> paths;
    std::error_code ec;
    auto it = std::filesystem::recursive_directory_iterator(tmp(), ec);
    for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      auto const& p = it->path();
      if (p == root()) {
        it.disable_recursion_pending();
        continue;
      }
      auto const name = p.filename().string();
      if (name.starts_with("openbitsd.")) continue;
      paths.insert(std::filesystem::relative(p, tmp()).string() + ":" +
                   (it->is_regular_file(ec) ? read_file(p) : std::string("<dir>")));
    }
    return paths;
  }
};

TEST_P(Paths, CreateSessionIsRefused) {
  auto const& c = GetParam();
  auto const outside = tmp() / "outside";
  std::filesystem::create_directory(outside);
  ASSERT_TRUE(write_file(outside / "secret", "secret"));
  ASSERT_TRUE(write_file(tmp() / "x", "x-outside"));
  std::filesystem::create_directory_symlink(outside, root() / "link");
  std::filesystem::create_symlink(outside / "secret", root() / "lnk");
  auto options = up_options();
  options.vdirs[0].url = "/";
  options.vdirs[0].set("allow_overwrites", true);  // only the path rules may refuse
  ASSERT_TRUE(start_config(options));
  auto const before = outside_snapshot();

  auto client = connect();
  auto const r = client.request(bits_post_head(
      c.target, "Create-Session", {{"BITS-Supported-Protocols", std::string(protocol_guid)}}, 0));
  EXPECT_EQ(r.status, c.status) << "target " << c.target << "\n" << r;
  if (r.ok() && r.status == 400) {
    EXPECT_TRUE(is_error_ack(r, 400, e_invalidarg));
  }
  if (r.ok() && r.status == 403) {
    EXPECT_TRUE(is_error_ack(r, 403, e_accessdenied));
  }
  if (r.status == 200) {
    // Never send data to an accepted escape (it could land anywhere); just drop it.
    auto const cancel = client.cancel_session(c.target, r.header_or_empty("BITS-Session-Id"));
    EXPECT_EQ(cancel.status, 200) << cancel;
  }
  EXPECT_EQ(outside_snapshot(), before) << "something changed outside the root";
  EXPECT_EQ(read_file(outside / "secret"), "secret");
  EXPECT_TRUE(std::filesystem::is_symlink(root() / "lnk"));
  EXPECT_TRUE(still_serving());
}

INSTANTIATE_TEST_SUITE_P(
    Escapes, Paths,
    ::testing::Values(
        escape_case{"DotDot", "/../x", 400}, escape_case{"NestedDotDot", "/a/../../x", 400},
        escape_case{"EncodedDotDot", "/%2e%2e/x", 400},
        escape_case{"EncodedDotDotSlash", "/%2E%2E%2Fx", 400},
        escape_case{"EncodedSlash", "/a%2fb", 400}, escape_case{"EncodedBackslash", "/a%5cb", 400},
        escape_case{"Backslash", "/a\\b", 400}, escape_case{"EncodedNul", "/a%00b", 400},
        escape_case{"DoubleSlash", "//etc/passwd", 400},
        escape_case{"Spool", "/.bits-spool/x", 400},
        escape_case{"LongName", "/" + std::string(300, 'a'), 400},
        escape_case{"SymlinkedFolder", "/link/x", 403}, escape_case{"SymlinkedFile", "/lnk", 403},
        escape_case{"BadEscape", "/%zz", 400}),
    [](auto const& p) { return p.param.name; });

}  // namespace
}  // namespace bits::test
