// The maintenance timer runs every directory's maintenance once a second on its own
// thread (here: an idle session expires without any request), and stops promptly.
#include "server/maintenance_timer.hpp"
#include "support/memory_upload_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace bits::server {
namespace {

TEST(MaintenanceTimer, ExpiresIdleSessionsWithoutAnyRequest) {
  auto now = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000);
  service::vdir_policy policy;
  policy.url = "/up/";
  service::router router;
  router.add(std::make_unique<service::upload_service>(
      policy, service::service_options{}, std::make_unique<test::memory_upload_store>(),
      [now] { return now->load(); }));
  auto& svc = *router.vdirs().front();

  service::packet create;
  create.type = core::packet_type::create_session;
  create.protocols = core::upload_protocol_guid;
  std::vector<std::string> const destination{"idle.bin"};
  service::request_context ctx;
  ctx.destination = &destination;
  ASSERT_EQ(svc.handle(create, ctx).reply.status, 200u);
  ASSERT_EQ(svc.open_sessions(), 1u);
  *now += policy.session_timeout.count() + 1;

  live_config_cell live(live_config(server_options{}, route_table(router, authenticators{})));
  maintenance_timer timer(live);
  timer.start();
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (svc.open_sessions() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(svc.open_sessions(), 0u) << "no maintenance round expired the idle session";
  timer.stop();
  timer.stop();  // a second stop is harmless
}

TEST(MaintenanceTimer, StopsWithoutEverStarting) {
  service::router router;
  live_config_cell live(live_config(server_options{}, route_table(router, authenticators{})));
  maintenance_timer timer(live);
  timer.stop();
}

}  // namespace
}  // namespace bits::server
