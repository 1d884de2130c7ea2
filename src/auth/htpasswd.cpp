// htpasswd parsing and loading. Refusing weak hashes at load time (rather than at the
// first login) means a bad file is caught by `openbitsd --check-config` or by a
// failed reload that keeps the previous table, never by a user locked out at runtime.
#include "auth/htpasswd.hpp"

#include "auth/limits.hpp"
#include "auth/password_hash.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bits::auth {
namespace {

bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool is_control(char c) noexcept {
  auto const u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Collects the problems of one file with their "source:line: " prefix.
class problem_sink {
 public:
  problem_sink(std::string_view source, std::vector<std::string>& out)
      : source_(source), out_(out) {}

  void add(std::size_t line, std::string_view what) {
    out_.push_back(std::string(source_) + ":" + std::to_string(line) + ": " + std::string(what));
    ++count_;
  }

  [[nodiscard]] std::size_t count() const noexcept { return count_; }

 private:
  std::string_view source_;
  std::vector<std::string>& out_;
  std::size_t count_ = 0;
};

// Why a user name cannot be used, or nullptr when it can.
char const* user_problem(std::string_view user) noexcept {
  if (user.empty()) return "empty user name";
  if (user.size() > max_user_bytes) return "user name is longer than 300 bytes";
  if (std::any_of(user.begin(), user.end(), is_control))
    return "user name contains a control character";
  if (user.front() == ' ' || user.back() == ' ') return "user name begins or ends with a space";
  return nullptr;
}

// Why a hash cannot be used, or an empty string when it can.
std::string hash_problem(std::string_view hash) {
  hash_scheme const scheme = classify_hash(hash);
  std::string const fix = "; re-create the entry with htpasswd -B";
  if (!is_accepted(scheme)) return std::string(scheme_name(scheme)) + " is not accepted" + fix;
  if (!is_well_formed(scheme, hash))
    return "malformed " + std::string(scheme_name(scheme)) + " hash" + fix;
  return {};
}

using line_index = std::map<std::string, std::size_t, std::less<>>;  // user -> line

// One `user:hash` line: checks it and adds the user to `table` when it is usable.
// `first_line` remembers every user name seen, even with a bad hash, so that a later
// duplicate is still reported.
void parse_entry(std::string_view line, std::size_t number, problem_sink& sink,
                 line_index& first_line, htpasswd& table) {
  auto const colon = line.find(':');
  if (colon == std::string_view::npos) {
    sink.add(number, "missing ':' between user name and password hash");
    return;
  }
  std::string_view const user = line.substr(0, colon);
  if (char const* why = user_problem(user)) {
    sink.add(number, why);
    return;
  }
  std::string const prefix = "user " + std::string(user) + ": ";
  if (auto const it = first_line.find(user); it != first_line.end()) {
    sink.add(number,
             prefix + "duplicate entry (first defined on line " + std::to_string(it->second) + ")");
    return;
  }
  first_line.emplace(std::string(user), number);
  std::string_view const hash = line.substr(colon + 1);
  if (std::string const why = hash_problem(hash); !why.empty()) {
    sink.add(number, prefix + why);
    return;
  }
  table.users.emplace(std::string(user), std::string(hash));
}

}  // namespace

result<htpasswd> parse_htpasswd(std::string_view text, std::string_view source,
                                std::vector<std::string>& problems) {
  htpasswd table;
  table.source = std::string(source);
  problem_sink sink(source, problems);
  line_index first_line;

  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    auto const end = text.find('\n');
    std::string_view const line = trim_right(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);

    auto const first = std::find_if_not(line.begin(), line.end(), is_blank);
    if (first == line.end() || *first == '#') continue;

    parse_entry(line, number, sink, first_line, table);
  }
  if (sink.count() != 0) return make_error_code(auth_error::invalid_htpasswd);
  return table;
}

result<htpasswd> load_htpasswd(std::string const& path, std::vector<std::string>& problems) {
  auto const fail = [&](boost::system::error_code ec, std::string_view what) {
    problems.push_back(path + ": " + std::string(what));
    return ec;
  };
  auto const system_failure = [&](char const* what) {
    int const err = errno;
    return fail({err, boost::system::system_category()},
                std::string(what) + ": " + std::strerror(err));
  };

  // O_NONBLOCK: opening a FIFO by mistake must not hang the daemon.
  int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return system_failure("cannot open");
  struct fd_closer {
    int fd;
    ~fd_closer() { ::close(fd); }
  } const closer{fd};

  struct stat st {};
  if (::fstat(fd, &st) != 0) return system_failure("cannot stat");
  if (!S_ISREG(st.st_mode)) return fail(auth_error::not_a_regular_file, "not a regular file");

  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t const n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return system_failure("cannot read");
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_htpasswd_bytes)
      return fail(auth_error::htpasswd_too_large, "larger than 16 MiB");
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return parse_htpasswd(text, path, problems);
}

}  // namespace bits::auth
