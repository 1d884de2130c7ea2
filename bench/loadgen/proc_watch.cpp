// /proc parsing. The comm field of stat may hold spaces and parentheses, so fields are
// counted from the last ')' (proc(5)).
#include "loadgen/proc_watch.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace bits::bench {
namespace {

struct stat_fields {
  bool ok = false;
  std::string name;
  double cpu_s = 0;
};

stat_fields read_stat(std::string const& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return {};
  auto const open = line.find('(');
  auto const close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  stat_fields f;
  f.name = line.substr(open + 1, close - open - 1);
  // After ')': state(3) ppid(4) ... utime(14) stime(15); field 3 is the first token.
  std::istringstream rest(line.substr(close + 1));
  std::string tok;
  double utime = 0;
  double stime = 0;
  for (int field = 3; field <= 15 && rest >> tok; ++field) {
    if (field == 14) utime = std::strtod(tok.c_str(), nullptr);
    if (field == 15) stime = std::strtod(tok.c_str(), nullptr);
  }
  auto const hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  f.cpu_s = (utime + stime) / hz;
  f.ok = true;
  return f;
}

std::uint64_t status_kb(std::string const& text, std::string const& key) {
  auto const at = text.find("\n" + key + ":");
  if (at == std::string::npos) return 0;
  return std::strtoull(text.c_str() + at + key.size() + 2, nullptr, 10);
}

/// "TCP: inuse 1 orphan 0 tw 15 alloc 1 mem 38": the pages after "mem".
std::uint64_t tcp_mem_pages() {
  std::ifstream in("/proc/net/sockstat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("TCP:", 0) != 0) continue;
    auto const at = line.find(" mem ");
    if (at != std::string::npos) return std::strtoull(line.c_str() + at + 5, nullptr, 10);
  }
  return 0;
}

}  // namespace

proc_snapshot read_proc(int pid) {
  proc_snapshot s;
  if (pid <= 0) return s;
  std::string const base = "/proc/" + std::to_string(pid);
  auto const whole = read_stat(base + "/stat");
  if (!whole.ok) return s;
  s.cpu_s = whole.cpu_s;
  std::ifstream status(base + "/status");
  std::stringstream text;
  text << '\n' << status.rdbuf();
  s.rss_kb = status_kb(text.str(), "VmRSS");
  s.hwm_kb = status_kb(text.str(), "VmHWM");
  s.tcp_mem_pages = tcp_mem_pages();
  if (DIR* d = ::opendir((base + "/task").c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      auto const t = read_stat(base + "/task/" + e->d_name + "/stat");
      if (t.ok) s.threads.push_back({std::atoi(e->d_name), t.name, t.cpu_s});
    }
    ::closedir(d);
  }
  s.ok = true;
  return s;
}

double own_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto const secs = [](timeval const& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

nlohmann::json proc_delta(proc_snapshot const& a, proc_snapshot const& b) {
  nlohmann::json j;
  j["ok"] = a.ok && b.ok;
  j["cpu_s"] = b.cpu_s - a.cpu_s;
  j["rss_start_kb"] = a.rss_kb;
  j["rss_end_kb"] = b.rss_kb;
  j["hwm_kb"] = b.hwm_kb;
  auto const page_kb = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
  j["tcp_mem_start_kb"] = a.tcp_mem_pages * page_kb;
  j["tcp_mem_end_kb"] = b.tcp_mem_pages * page_kb;
  std::map<int, double> before;
  for (auto const& t : a.threads) before[t.tid] = t.cpu_s;
  nlohmann::json threads = nlohmann::json::array();
  for (auto const& t : b.threads) {
    double const used = t.cpu_s - (before.count(t.tid) != 0 ? before[t.tid] : 0.0);
    if (used > 0) threads.push_back({{"tid", t.tid}, {"name", t.name}, {"cpu_s", used}});
  }
  j["threads"] = threads;
  return j;
}

}  // namespace bits::bench
