// The sink's epoll loop. Level-triggered and deliberately plain: read(2) into one large
// buffer per thread, pwrite(2) it to the file, nothing else between socket and disk.
#include "sink/sink_worker.hpp"

#include "sink/sink_protocol.hpp"
#include "sink/sync_pool.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace bits::bench {
namespace {

enum class conn_state { header, body, send, syncing };

struct sink_conn {
  int fd = -1;
  int file = -1;
  conn_state state = conn_state::header;
  sink_header head;
  std::size_t head_got = 0;
  std::uint64_t left = 0;      ///< body bytes still to read, or GET bytes still to send
  std::uint64_t file_off = 0;  ///< where the next body byte goes in `file`
  std::string file_name;       ///< the connection's current file; "" before the first PUT
  off_t send_off = 0;          ///< next source byte of a GET
  bool want_out = false;       ///< registered for EPOLLOUT instead of EPOLLIN
};

class worker {
 public:
  worker(sink_config const& cfg, unsigned index)
      : cfg_(cfg), index_(index), buffer_(std::make_unique<char[]>(cfg.buffer)) {}

  int run(std::atomic<bool> const& stop) {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;  // one worker wakes per new connection
    ev.data.ptr = nullptr;
    if (ep_ < 0 || ::epoll_ctl(ep_, EPOLL_CTL_ADD, cfg_.listen_fd, &ev) != 0) {
      std::perror("openbits_sink: epoll");
      return 1;
    }
    std::vector<epoll_event> events(256);
    while (!stop.load(std::memory_order_relaxed)) {
      int const n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()), 200);
      for (int i = 0; i < n; ++i) {
        auto* c = static_cast<sink_conn*>(events[static_cast<std::size_t>(i)].data.ptr);
        if (c == nullptr) {
          accept_all();
        } else if (!serve(*c)) {
          close_conn(c);
        }
      }
    }
    ::close(ep_);
    return 0;
  }

 private:
  void accept_all() {
    for (;;) {
      int const fd = ::accept4(cfg_.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN: another worker took it, or nothing left
      auto* c = new sink_conn;
      c->fd = fd;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = c;
      if (::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) close_conn(c);
    }
  }

  void close_conn(sink_conn* c) {
    ::close(c->fd);  // also removes it from the epoll set
    if (c->file >= 0) ::close(c->file);
    delete c;
  }

  /// False when the connection is finished (peer closed, error, or bad request).
  bool serve(sink_conn& c) {
    for (;;) {
      if (c.state == conn_state::syncing) return true;  // the sync pool owns it for now
      if (c.state == conn_state::send) return send_more(c);
      ssize_t n = 0;
      if (c.state == conn_state::header) {
        n = ::read(c.fd, reinterpret_cast<char*>(&c.head) + c.head_got, sizeof c.head - c.head_got);
      } else {
        n = ::read(c.fd, buffer_.get(),
                   static_cast<std::size_t>(std::min<std::uint64_t>(cfg_.buffer, c.left)));
      }
      if (n == 0) return false;
      if (n < 0) return errno == EAGAIN || errno == EINTR;
      auto const got = static_cast<std::size_t>(n);
      if (c.state == conn_state::header) {
        c.head_got += got;
        if (c.head_got == sizeof c.head && !start_request(c)) return false;
      } else if (!store(c, got)) {
        return false;
      }
    }
  }

  bool start_request(sink_conn& c) {
    c.head_got = 0;
    if (std::memcmp(c.head.op, sink_op_get, 4) == 0) {
      if (cfg_.source_fd < 0) return false;
      c.state = conn_state::send;
      c.send_off = static_cast<off_t>(c.head.a);
      c.left = c.head.b;
      return true;
    }
    if (std::memcmp(c.head.op, sink_op_put, 4) != 0) return false;
    // The file is open only while a PUT runs (the server, too, opens a session's data
    // file per Fragment): an idle connection costs one descriptor, not two.
    bool const fresh = (c.head.flags & sink_flag_new_file) != 0 || c.file_name.empty();
    if (fresh) {
      c.file_name =
          cfg_.dir + "/s" + std::to_string(index_) + "-" + std::to_string(next_file_++) + ".bin";
      c.file_off = 0;
    }
    c.file =
        ::open(c.file_name.c_str(), O_WRONLY | O_CLOEXEC | (fresh ? O_CREAT | O_TRUNC : 0), 0644);
    if (c.file < 0) return false;
    c.state = conn_state::body;
    c.left = c.head.a;
    return c.left > 0 || finish_put(c);
  }

  /// Writes the `got` bytes just read to the file; finishes the PUT at its last byte.
  bool store(sink_conn& c, std::size_t got) {
    char const* p = buffer_.get();
    std::size_t rest = got;
    while (rest > 0) {
      ssize_t const w = ::pwrite(c.file, p, rest, static_cast<off_t>(c.file_off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      rest -= static_cast<std::size_t>(w);
      c.file_off += static_cast<std::uint64_t>(w);
    }
    c.left -= got;
    return c.left > 0 || finish_put(c);
  }

  static void close_file(sink_conn& c) {
    ::close(c.file);
    c.file = -1;
  }

  bool finish_put(sink_conn& c) {
    c.state = conn_state::header;
    bool const ack = (c.head.flags & sink_flag_ack) != 0;
    if ((c.head.flags & sink_flag_sync) != 0 && cfg_.sync_allowed) {
      // The connection leaves the loop while its file syncs, and comes back after the
      // ack: the client sends nothing before the ack, so no event can be missed.
      if (::epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr) != 0) return false;
      c.state = conn_state::syncing;
      cfg_.syncer->submit([ep = ep_, conn = &c, ack] { sync_and_return(ep, *conn, ack); });
      return true;
    }
    close_file(c);
    return !ack || send_ack(c);
  }

  /// One byte always fits in an empty send buffer: the client waits for it before it
  /// sends anything else, so nothing of ours is queued in front of it.
  static bool send_ack(sink_conn& c) { return ::write(c.fd, &sink_ack_byte, 1) == 1; }

  /// Runs on a sync thread. On failure the socket is shut down, so that the loop sees
  /// the end of the connection and closes it.
  static void sync_and_return(int ep, sink_conn& c, bool ack) {
    bool const ok = ::fdatasync(c.file) == 0 && (!ack || send_ack(c));
    close_file(c);
    if (!ok) ::shutdown(c.fd, SHUT_RDWR);
    c.state = conn_state::header;
    c.want_out = false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }

  bool send_more(sink_conn& c) {
    while (c.left > 0) {
      ssize_t const n = ::sendfile(c.fd, cfg_.source_fd, &c.send_off, c.left);
      if (n > 0) {
        c.left -= static_cast<std::uint64_t>(n);
        continue;
      }
      if (n == 0) return false;  // asked for bytes past the end of the source
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return false;
      return watch(c, true);
    }
    c.state = conn_state::header;
    return watch(c, false) && serve(c);
  }

  bool watch(sink_conn& c, bool out) {
    if (c.want_out == out) return true;
    c.want_out = out;
    epoll_event ev{};
    ev.events = out ? EPOLLOUT : EPOLLIN;
    ev.data.ptr = &c;
    return ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev) == 0;
  }

  sink_config const& cfg_;
  unsigned index_;
  std::unique_ptr<char[]> buffer_;
  int ep_ = -1;
  std::uint64_t next_file_ = 0;
};

}  // namespace

int run_sink_worker(sink_config const& cfg, unsigned index, std::atomic<bool> const& stop) {
  worker w(cfg, index);
  return w.run(stop);
}

}  // namespace bits::bench
