// The resolve step over a route table: the decoded path, the directory and its
// authentication, and for a BITS_POST the checked packet or the error that answers it,
// in the validation order's sequence.
#include "server/resolve.hpp"
#include "server/basic_authentication.hpp"
#include "support/memory_upload_store.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace bits::server {
namespace {

constexpr std::string_view guid = "{7df0354d-249b-430f-820d-3d2a9bef4931}";

class resolve_test : public ::testing::Test {
 protected:
  resolve_test() {
    add("/up/", true);
    add("/up/deep/", true);
    add("/ro/", false);
    auth_["/up/"] = std::make_shared<basic_authentication>(auth::htpasswd{}, "OpenBITS");
    routes_ = std::make_unique<route_table>(router_, auth_);
  }

  void add(std::string url, bool uploads) {
    service::vdir_policy p;
    p.url = std::move(url);
    p.upload_enabled = uploads;
    router_.add(std::make_unique<service::upload_service>(
        p, service::service_options{}, std::make_unique<test::memory_upload_store>(disk_),
        [] { return std::int64_t{1'700'000'000}; }));
  }

  /// A BITS_POST head for `target` of packet `type` with `fields`.
  static core::request_head post(
      std::string_view target, std::string_view type,
      std::vector<std::pair<std::string_view, std::string_view>> fields = {}) {
    core::request_head h;
    h.method = core::bits_post_method;
    h.target = target;
    h.content_length = 0;
    if (!type.empty()) h.fields.emplace_back("BITS-Packet-Type", type);
    for (auto const& f : fields) h.fields.push_back(f);
    return h;
  }

  [[nodiscard]] service::upload_service* vdir(std::string_view url) const {
    for (auto const& v : router_.vdirs()) {
      if (v->policy().url == url) return v.get();
    }
    return nullptr;
  }

  std::shared_ptr<test::memory_disk> disk_ = std::make_shared<test::memory_disk>();
  service::router router_;
  authenticators auth_;
  std::unique_ptr<route_table> routes_;
};

TEST_F(resolve_test, CreateSessionResolvesDirectoryDestinationAndPacket) {
  auto const head =
      post("/up/a%20b/c.bin?x=1", "Create-Session", {{"BITS-Supported-Protocols", guid}});
  auto const r = resolve(head, *routes_);
  ASSERT_TRUE(r.path);
  EXPECT_EQ(*r.path, "/up/a b/c.bin");
  ASSERT_NE(r.route, nullptr);
  EXPECT_EQ(r.route->vdir, vdir("/up/"));
  EXPECT_EQ(r.route->auth, auth_["/up/"]);
  EXPECT_EQ(r.packet_type, std::optional<std::string_view>("Create-Session"));
  ASSERT_TRUE(r.post) << r.post.error().message();
  EXPECT_EQ(r.post->vdir, vdir("/up/"));
  EXPECT_EQ(r.post->destination, (std::vector<std::string>{"a b", "c.bin"}));
  EXPECT_EQ(r.post->p.type, core::packet_type::create_session);
}

TEST_F(resolve_test, LongestPrefixWinsAndItsPolicyComesWithIt) {
  auto const r = resolve(post("/up/deep/x.bin", "Ping"), *routes_);
  ASSERT_NE(r.route, nullptr);
  EXPECT_EQ(r.route->vdir, vdir("/up/deep/"));
  EXPECT_EQ(r.route->auth, nullptr) << "/up/deep/ has no policy of its own: anonymous";
  ASSERT_TRUE(r.post);
  EXPECT_EQ(r.post->destination, (std::vector<std::string>{"x.bin"}));
}

TEST_F(resolve_test, UndecodableTargetHasNoRouteAndAnswersInvalidPath) {
  auto const r = resolve(post("/up/%2e%2", "Ping"), *routes_);
  EXPECT_FALSE(r.path);
  EXPECT_EQ(r.route, nullptr) << "no directory, so no authentication either";
  ASSERT_FALSE(r.post);
  EXPECT_EQ(r.post.error(), make_error_code(error::invalid_path));
}

TEST_F(resolve_test, UploadDisabledOrUnknownDirectoryIsUploadsDisabled) {
  auto const ro = resolve(post("/ro/f.bin", "Ping"), *routes_);
  ASSERT_NE(ro.route, nullptr) << "the directory is found (GET may serve it)";
  ASSERT_FALSE(ro.post);
  EXPECT_EQ(ro.post.error(), make_error_code(error::uploads_disabled));
  auto const none = resolve(post("/elsewhere/f.bin", "Ping"), *routes_);
  EXPECT_EQ(none.route, nullptr);
  ASSERT_FALSE(none.post);
  EXPECT_EQ(none.post.error(), make_error_code(error::uploads_disabled));
}

TEST_F(resolve_test, HeaderErrorsComeBeforeTheNameCheck) {
  // Both faults: no packet type and a reserved name. Header syntax is step 4a, the
  // name below the prefix step 4b.
  auto const r = resolve(post("/up/.bits-spool/x", ""), *routes_);
  ASSERT_FALSE(r.post);
  EXPECT_EQ(r.post.error(), make_error_code(error::missing_packet_type));
  EXPECT_FALSE(r.packet_type);
  auto const named = resolve(post("/up/.bits-spool/x", "Ping"), *routes_);
  ASSERT_FALSE(named.post);
  EXPECT_EQ(named.post.error(), make_error_code(error::invalid_path));
}

TEST_F(resolve_test, OtherMethodsGetPathAndRouteButNoPacket) {
  core::request_head get;
  get.method = "GET";
  get.target = "/ro/file.bin";
  auto const r = resolve(get, *routes_);
  ASSERT_TRUE(r.path);
  EXPECT_EQ(*r.path, "/ro/file.bin");
  ASSERT_NE(r.route, nullptr);
  EXPECT_EQ(r.route->vdir, vdir("/ro/"));
  EXPECT_FALSE(r.packet_type);
}

TEST_F(resolve_test, RouterHandleBitsPostAgreesWithResolveThenDispatch) {
  auto const head = post("/up/f.bin", "Create-Session", {{"BITS-Supported-Protocols", guid}});
  auto const r = resolve(head, *routes_);
  ASSERT_TRUE(r.post);
  auto const dispatched = service::dispatch(*r.post, head);
  EXPECT_EQ(dispatched.reply.status, 200u);
  auto const direct = router_.handle_bits_post(post("/ro/f.bin", "Ping"));
  EXPECT_EQ(direct.reply.status, 501u);
}

}  // namespace
}  // namespace bits::server
