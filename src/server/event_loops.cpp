// Loop threads: the other loops are kept alive by work guards until the main loop is
// done, so a connection's loop never runs dry while the server still serves.
#include "server/event_loops.hpp"

#include <boost/asio/executor_work_guard.hpp>

#include <thread>

namespace bits::server {

namespace net = boost::asio;

namespace {

unsigned thread_count(unsigned configured) {
  if (configured > 0) return configured;
  unsigned const hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

}  // namespace

event_loops::event_loops(unsigned threads) {
  for (unsigned i = 1; i < thread_count(threads); ++i) {
    others_.push_back(std::make_unique<net::io_context>(1));
  }
}

net::io_context& event_loops::next() noexcept {
  std::size_t const i = next_++ % size();
  return i == 0 ? main_ : *others_[i - 1];
}

void event_loops::run() {
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep;
  std::vector<std::thread> threads;
  for (auto& loop : others_) {
    keep.push_back(net::make_work_guard(*loop));
    threads.emplace_back([&l = *loop] { l.run(); });
  }
  main_.run();
  keep.clear();
  for (auto& t : threads) t.join();
}

void event_loops::stop() {
  for (auto& loop : others_) loop->stop();
  main_.stop();
}

}  // namespace bits::server
