// Admission against max_connections and max_connections_per_address, what erase gives
// back, and the stop walk: idle connections closed, busy ones left to finish.
#include "server/connection_registry.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace bits::server {
namespace {

namespace net = boost::asio;

std::shared_ptr<connection_state> make_connection(net::io_context& io, std::string address) {
  auto c = std::make_shared<connection_state>(boost::beast::tcp_stream(io));
  c->address = std::move(address);
  return c;
}

TEST(ConnectionRegistry, RefusesAboveMaxConnectionsUntilOneEnds) {
  net::io_context io;
  connection_registry registry(2, 0);
  auto a = make_connection(io, "10.0.0.1");
  auto b = make_connection(io, "10.0.0.2");
  ASSERT_TRUE(registry.admit(a->address));
  registry.insert(a);
  ASSERT_TRUE(registry.admit(b->address));
  registry.insert(b);
  EXPECT_FALSE(registry.admit("10.0.0.3"));
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_FALSE(registry.erase(a)) << "not stopping: the end of a connection completes nothing";
  EXPECT_TRUE(registry.admit("10.0.0.3"));
}

TEST(ConnectionRegistry, PerAddressLimitCountsEachAddressApart) {
  net::io_context io;
  connection_registry registry(100, 2);
  std::vector<std::shared_ptr<connection_state>> nat;
  for (int i = 0; i < 2; ++i) {
    nat.push_back(make_connection(io, "192.0.2.1"));
    ASSERT_TRUE(registry.admit("192.0.2.1"));
    registry.insert(nat.back());
  }
  EXPECT_FALSE(registry.admit("192.0.2.1"));
  EXPECT_TRUE(registry.admit("192.0.2.2")) << "another address is not limited by the first";
  registry.insert(make_connection(io, "192.0.2.2"));
  (void)registry.erase(nat.front());
  EXPECT_TRUE(registry.admit("192.0.2.1")) << "an ended connection frees its address's slot";
}

TEST(ConnectionRegistry, WithoutPerAddressLimitOneAddressMayUseEverySlot) {
  net::io_context io;
  connection_registry registry(3, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(registry.admit("198.51.100.7"));
    registry.insert(make_connection(io, "198.51.100.7"));
  }
  EXPECT_FALSE(registry.admit("198.51.100.7"));
}

TEST(ConnectionRegistry, StopClosesIdleConnectionsAndReportsTheLastEnd) {
  net::io_context io;
  net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
  connection_registry registry(10, 0);
  // Two connected sockets: one idle, one busy with a request.
  std::vector<net::ip::tcp::socket> clients;
  std::vector<std::shared_ptr<connection_state>> conns;
  for (int i = 0; i < 2; ++i) {
    clients.emplace_back(io).connect(acceptor.local_endpoint());
    auto c = std::make_shared<connection_state>(boost::beast::tcp_stream(acceptor.accept()));
    c->address = "127.0.0.1";
    ASSERT_TRUE(registry.admit(c->address));
    registry.insert(c);
    conns.push_back(c);
  }
  conns[1]->idle.store(false);
  bool idle_read_ended = false;
  bool busy_read_ended = false;
  char byte = 0;
  conns[0]->lowest().socket().async_read_some(net::buffer(&byte, 1),
                                              [&](boost::system::error_code ec, std::size_t) {
                                                idle_read_ended = true;
                                                EXPECT_EQ(ec, net::error::operation_aborted);
                                              });
  conns[1]->lowest().socket().async_read_some(
      net::buffer(&byte, 1),
      [&](boost::system::error_code, std::size_t) { busy_read_ended = true; });

  EXPECT_FALSE(registry.stop()) << "two connections are still live";
  EXPECT_TRUE(registry.stopping().load());
  io.run_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(idle_read_ended) << "the idle connection was not closed";
  EXPECT_FALSE(busy_read_ended) << "the busy connection was interrupted";

  EXPECT_FALSE(registry.erase(conns[0]));
  EXPECT_TRUE(registry.erase(conns[1])) << "the last connection to end completes the stop";
  conns[1]->lowest().socket().cancel();
  io.run_for(std::chrono::milliseconds(100));
}

TEST(ConnectionRegistry, StopWithoutConnectionsIsAlreadyComplete) {
  connection_registry registry(10, 0);
  EXPECT_TRUE(registry.stop());
}

}  // namespace
}  // namespace bits::server
