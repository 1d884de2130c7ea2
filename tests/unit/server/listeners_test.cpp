// Listeners: binding (with the address and errno in any error), the port file, and the
// accept loop dealing connections to the loops until close().
#include "server/listeners.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/connect.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

namespace bits::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string slurp(std::filesystem::path const& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Listeners, BindsPortZeroAndWritesThePortFile) {
  event_loops loops(1);
  listeners l(loops);
  ASSERT_TRUE(l.bind({{"127.0.0.1", 0, false}, {"127.0.0.1", 0, true}}));
  auto const ports = l.ports();
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_NE(ports[0], 0);
  EXPECT_NE(ports[1], 0);
  test::temp_dir tmp;
  auto const file = tmp.path() / "ports";
  ASSERT_TRUE(l.write_port_file(file.string()));
  EXPECT_EQ(slurp(file), std::to_string(ports[0]) + "\n" + std::to_string(ports[1]) + "\n");
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
}

TEST(Listeners, PortInUseNamesTheAddressAndErrno) {
  event_loops loops(1);
  listeners first(loops);
  ASSERT_TRUE(first.bind({{"127.0.0.1", 0, false}}));
  auto const port = first.ports().at(0);
  listeners second(loops);
  auto const bound = second.bind({{"127.0.0.1", port, false}});
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().context, "cannot listen on 127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(bound.error().cause,
            boost::system::error_code(EADDRINUSE, boost::system::system_category()));
}

TEST(Listeners, UnwritablePortFileCarriesErrno) {
  event_loops loops(1);
  listeners l(loops);
  ASSERT_TRUE(l.bind({{"127.0.0.1", 0, false}}));
  test::temp_dir tmp;
  auto const written = l.write_port_file((tmp.path() / "no-such-dir" / "ports").string());
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().cause,
            boost::system::error_code(ENOENT, boost::system::system_category()));
  EXPECT_NE(written.error().message().find("no-such-dir"), std::string::npos);
}

TEST(Listeners, AcceptsOnEveryListenerWithItsTlsFlagUntilClosed) {
  event_loops loops(2);
  listeners l(loops);
  ASSERT_TRUE(l.bind({{"127.0.0.1", 0, false}, {"127.0.0.1", 0, true}}));
  auto const ports = l.ports();
  std::vector<bool> seen;
  std::vector<tcp::socket> accepted;
  l.start([&](tcp::socket s, bool tls) {
    seen.push_back(tls);
    accepted.push_back(std::move(s));
    if (seen.size() == 2) l.close();
  });
  net::io_context client_io;
  tcp::socket plain(client_io);
  tcp::socket secure(client_io);
  plain.connect({net::ip::make_address("127.0.0.1"), ports[0]});
  secure.connect({net::ip::make_address("127.0.0.1"), ports[1]});
  loops.main().run_for(std::chrono::seconds(5));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0], seen[1]) << "one connection per listener, each with its listener's flag";
  // Dealt round-robin over both loops.
  EXPECT_NE(&accepted[0].get_executor().context(), &accepted[1].get_executor().context());

  tcp::socket late(client_io);
  boost::system::error_code ec;
  late.connect({net::ip::make_address("127.0.0.1"), ports[0]}, ec);
  EXPECT_TRUE(ec) << "a closed listener still accepted";
}

}  // namespace
}  // namespace bits::server
