// A process that owns an outbox, for the crash tests: the test kills it with SIGKILL
// and checks what a later process delivers.
//
//   outbox_child <dir> <hook url> <secret> record <count> --port-file F
//       records <count> events without delivering, printing "recorded <id>" after each
//       record() returned, then writes F ("1\n") and waits to be killed
//   outbox_child <dir> <hook url> <secret> stream <count> --port-file F
//       delivers while recording: writes F at once, then records up to <count> events,
//       printing "recorded <id>" after each, then waits to be killed
//   outbox_child <dir> <hook url> <secret> drain
//       delivers what is pending; prints "pending <n> delivered <d>"; exit 0 when
//       nothing is left within 20 s
#include "hooks/http_hook.hpp"
#include "hooks/outbox.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

namespace {

using namespace bits::hooks;
using namespace std::chrono_literals;

void write_ready(std::string const& file) {
  {
    std::ofstream f(file + ".tmp");
    f << "1\n";
  }
  std::rename((file + ".tmp").c_str(), file.c_str());
}

event some_event(unsigned n) {
  event e;
  e.type = event_type::post_commit;
  e.id = random_event_id();
  e.time = 1'800'000'000 + n;
  e.vdir = "/up/";
  e.url_path = "/up/file-" + std::to_string(n);
  e.file_path = "/srv/up/file-" + std::to_string(n);
  e.size = n;
  return e;
}

[[noreturn]] void wait_to_be_killed() {
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> const args(argv + 1, argv + argc);
  if (args.size() < 4) {
    std::cerr << "usage: outbox_child <dir> <url> <secret> record|stream|drain [count] "
                 "[--port-file F]\n";
    return 2;
  }
  std::string const mode = args[3];
  unsigned const count = args.size() > 4 ? static_cast<unsigned>(std::stoul(args[4])) : 0;
  std::string const ready = args.size() > 6 ? args[6] : "";

  http_hook_options h;
  h.url = args[1];
  h.secret = args[2];
  h.timeout = 2000ms;
  auto target = make_http_hook(h);
  if (!target) return 3;
  outbox_options o;
  o.dir = args[0];
  o.backoff = {50ms, 400ms};
  o.maintain_interval = 100ms;
  o.segment_bytes = 16 * 1024;  // several segments, so deletion runs while killed
  o.log = [](log_level, std::string const& line) { std::cerr << line << std::endl; };
  auto box = outbox::open(o, std::shared_ptr<hook>(std::move(*target)));
  if (!box) {
    std::cerr << "open: " << box.error().message() << "\n";
    return 4;
  }
  auto record = [&](unsigned n) {
    auto const e = some_event(n);
    if (auto ec = (*box)->record(e)) {
      std::cerr << "record: " << ec.message() << "\n";
      std::exit(5);
    }
    std::cout << "recorded " << e.id << std::endl;  // flushed: the test reads it after a kill
  };
  if (mode == "record") {
    for (unsigned i = 0; i < count; ++i) record(i);
    write_ready(ready);
    wait_to_be_killed();
  }
  if (mode == "stream") {
    (*box)->start();
    write_ready(ready);
    for (unsigned i = 0; i < count; ++i) record(i);
    wait_to_be_killed();
  }
  if (mode == "drain") {
    (*box)->start();
    bool const idle = (*box)->wait_idle(20s);
    auto const c = (*box)->counters();
    (*box)->stop();
    std::cout << "pending " << c.pending << " delivered " << c.delivered << std::endl;
    return idle ? 0 : 1;
  }
  return 2;
}
