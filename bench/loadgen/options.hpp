// Command-line settings of openbits_loadgen: what load to drive, against what, for how
// long. Filled by main.cpp, read by every client.
#pragma once

#include <cstdint>
#include <string>

namespace bits::bench {

/// How a client talks: BITS over HTTP/1.1 to openbitsd, or the sink's raw protocol.
enum class transport { http, raw };

/// What each upload client does.
///  - upload: whole sessions (Create, Fragments, Close) back to back until --files or
///    --duration is reached;
///  - idle: one session per client, opened during a ramp, then one small Fragment every
///    --interval seconds for --duration seconds; sessions are left open at the end.
enum class upload_mode { upload, idle };

struct options {
  transport via = transport::http;
  upload_mode mode = upload_mode::upload;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string prefix = "/";             ///< URL prefix of the uploads (a vdir url)
  unsigned threads = 2;                 ///< event loops, one io_context each
  unsigned clients = 1;                 ///< upload clients, one connection each
  std::uint64_t size = 0;               ///< bytes per upload (upload mode, when size_max is 0)
  std::uint64_t size_max = 0;           ///< > 0: sizes drawn uniformly from [size, size_max]
  std::uint64_t fragment = 1U << 20;    ///< bytes per Fragment (raw: per PUT)
  std::uint64_t files = 0;              ///< uploads per client; 0 = until the duration ends
  double duration = 0;                  ///< seconds; 0 = no time bound (then --files must be set)
  double interval = 10;                 ///< idle mode: seconds between one session's Fragments
  double ramp_rate = 2000;              ///< idle mode: new connections per second while ramping
  bool sync = true;                     ///< raw: ask the sink to fdatasync each upload's end
  unsigned downloaders = 0;             ///< clients doing ranged GETs alongside the uploads
  std::string download_path;            ///< http: URL of the file; raw: unused (sink --source)
  std::uint64_t download_size = 0;      ///< size of the file downloaded from
  std::uint64_t range_size = 1U << 20;  ///< bytes per ranged GET
  int watch_pid = 0;                    ///< process whose CPU and memory are sampled (the server)
  std::string out;                      ///< JSON report path ("" or "-": stdout)
  std::string label;                    ///< copied into the report
  std::uint64_t seed = 1;
};

}  // namespace bits::bench
