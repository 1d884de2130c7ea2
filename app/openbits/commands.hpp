// The openbits subcommands: each takes the parsed command line, runs one client job
// and returns the process exit code.
#pragma once

#include <stop_token>
#include <string>
#include <vector>

namespace openbits_cli {

/// Options shared by every subcommand, as typed on the command line.
struct common_settings {
  std::string retry_for = "5m";
  std::string retry_delay = "1s";
  std::string max_retry_delay = "30s";
  std::string connect_timeout = "30s";
  std::string timeout = "5m";
  std::string limit_rate;      ///< bytes/s with K/M/G suffixes; empty = unlimited
  std::string user;            ///< USER:PASS
  std::string auth = "basic";  ///< basic | any
  std::string cacert;
  bool insecure = false;
  std::string proxy;
  std::vector<std::string> headers;  ///< "Name: value"
  bool quiet = false;
  bool json = false;
  bool verbose = false;
  bool trace = false;
  std::string progress_interval = "5s";
  std::string state;  ///< --state FILE
  bool no_state = false;
};

struct upload_settings {
  std::string file;
  std::string url;
  std::string fragment_size;  ///< empty = adaptive
  std::string reply;
  bool no_ping = false;
};

struct download_settings {
  std::string url;
  std::string file;
};

int upload_command(common_settings const& c, upload_settings const& u, std::stop_token stop);
int download_command(common_settings const& c, download_settings const& d, std::stop_token stop);
int ping_command(common_settings const& c, std::string const& url, std::stop_token stop);
/// `file` and `url` locate the default state file when --state is not given.
int cancel_command(common_settings const& c, std::string const& file, std::string const& url,
                   std::stop_token stop);

}  // namespace openbits_cli
