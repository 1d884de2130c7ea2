// State files: JSON through nlohmann_json (no exceptions: parse with
// allow_exceptions=false, dump with invalid UTF-8 replaced), atomic replace by rename.
#include "client/job_state.hpp"

#include "client/failure.hpp"
#include "core/checksum.hpp"
#include "core/number_text.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace bits::client {
namespace {

using json = nlohmann::json;
constexpr int state_version = 1;

std::string dump(json const& j) {
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// Typed field access that never throws: empty when missing or of another type.
std::optional<std::string> get_string(json const& j, char const* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
std::optional<std::uint64_t> get_u64(json const& j, char const* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}
std::optional<std::int64_t> get_i64(json const& j, char const* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// The parsed object if `text` is a state of `kind` and our version.
std::optional<json> parse_state(std::string const& text, std::string_view kind) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  if (get_u64(j, "version") != static_cast<std::uint64_t>(state_version)) return std::nullopt;
  if (get_string(j, "kind") != std::string(kind)) return std::nullopt;
  return j;
}

boost::system::error_code errno_code() {
  return {errno, boost::system::system_category()};
}

bool write_all(int fd, std::string const& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t const n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

result<std::filesystem::path> default_state_dir() {
  if (char const* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::filesystem::path(xdg) / "openbits";
  }
  if (char const* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
    return std::filesystem::path(home) / ".local" / "state" / "openbits";
  }
  return make_error_code(errc::state_invalid);
}

result<std::filesystem::path> default_state_path(std::string_view kind,
                                                 std::filesystem::path const& file,
                                                 std::string_view url) {
  auto dir = default_state_dir();
  if (!dir) return dir.error();
  std::string key(kind);
  key += '\n';
  key += file.string();
  key += '\n';
  key += url;
  auto const name = core::format_hex_fixed(core::fnv1a_64(key), 16, core::hex_case::lower);
  return *dir / (std::string(kind) + "-" + name + ".json");
}

result<state_file> state_file::open(std::filesystem::path path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return make_error_code(errc::state_invalid);
  auto const lock_path = path.string() + ".lock";
  int const fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return make_error_code(errc::state_invalid);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    bool const busy = errno == EWOULDBLOCK;
    ::close(fd);
    return make_error_code(busy ? errc::state_locked : errc::state_invalid);
  }
  return state_file(std::move(path), fd);
}

state_file::state_file(state_file&& other) noexcept
    : path_(std::move(other.path_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

state_file& state_file::operator=(state_file&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    path_ = std::move(other.path_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

state_file::~state_file() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

result<std::optional<std::string>> state_file::read_text() const {
  int const fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return make_error_code(errc::state_invalid);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t const n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || text.size() > (1u << 20)) {
      ::close(fd);
      return make_error_code(errc::state_invalid);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

// Temp file + rename: a reader (or a rerun after a crash) sees the old or the new state,
// never a torn one. fsync only on request: losing the latest offset is harmless because
// the server's BITS-Received-Content-Range resynchronises the client anyway.
boost::system::error_code state_file::write_text(std::string const& text, bool durable) {
  auto const tmp = path_.string() + ".tmp";
  int const fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_code();
  bool ok = write_all(fd, text) && (!durable || ::fsync(fd) == 0);
  auto ec = ok ? boost::system::error_code{} : errno_code();
  ::close(fd);
  if (ok && ::rename(tmp.c_str(), path_.c_str()) != 0) {
    ok = false;
    ec = errno_code();
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return ec;
  }
  if (durable) {
    auto const dir = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
    if (int const dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return {};
}

void state_file::remove() noexcept {
  ::unlink(path_.c_str());
  ::unlink((path_.string() + ".lock").c_str());
}

boost::system::error_code state_file::save(upload_state const& s, bool durable) {
  json j = {{"version", state_version},
            {"kind", "upload"},
            {"url", s.url},
            {"file", s.file},
            {"identity",
             {{"size", s.identity.size},
              {"mtime_ns", s.identity.mtime_ns},
              {"inode", s.identity.inode},
              {"device", s.identity.device}}},
            {"session_id", s.session_id},
            {"host_id", s.host_id},
            {"offset", s.offset},
            {"reply_url", s.reply_url}};
  if (s.host_id_fallback_s) j["host_id_fallback_timeout"] = *s.host_id_fallback_s;
  return write_text(dump(j), durable);
}

boost::system::error_code state_file::save(download_state const& s, bool durable) {
  json const j = {{"version", state_version},
                  {"kind", "download"},
                  {"url", s.url},
                  {"file", s.file},
                  {"size", s.size},
                  {"last_modified", s.last_modified},
                  {"etag", s.etag}};
  return write_text(dump(j), durable);
}

result<std::optional<upload_state>> state_file::load_upload() const {
  auto text = read_text();
  if (!text) return text.error();
  if (!*text) return std::optional<upload_state>();
  auto j = parse_state(**text, "upload");
  if (!j) return make_error_code(errc::state_invalid);
  upload_state s;
  auto const url = get_string(*j, "url");
  auto const session = get_string(*j, "session_id");
  auto const offset = get_u64(*j, "offset");
  auto const id = j->find("identity");
  if (!url || !session || !offset || id == j->end() || !id->is_object()) {
    return make_error_code(errc::state_invalid);
  }
  auto const size = get_u64(*id, "size");
  auto const mtime = get_i64(*id, "mtime_ns");
  auto const inode = get_u64(*id, "inode");
  auto const device = get_u64(*id, "device");
  if (!size || !mtime || !inode || !device) return make_error_code(errc::state_invalid);
  s.url = *url;
  s.file = get_string(*j, "file").value_or("");
  s.identity = {*size, *mtime, *inode, *device};
  s.session_id = *session;
  s.host_id = get_string(*j, "host_id").value_or("");
  s.host_id_fallback_s = get_u64(*j, "host_id_fallback_timeout");
  s.offset = *offset;
  s.reply_url = get_string(*j, "reply_url").value_or("");
  return std::optional<upload_state>(std::move(s));
}

result<std::optional<download_state>> state_file::load_download() const {
  auto text = read_text();
  if (!text) return text.error();
  if (!*text) return std::optional<download_state>();
  auto j = parse_state(**text, "download");
  if (!j) return make_error_code(errc::state_invalid);
  auto const url = get_string(*j, "url");
  auto const size = get_u64(*j, "size");
  if (!url || !size) return make_error_code(errc::state_invalid);
  download_state s;
  s.url = *url;
  s.file = get_string(*j, "file").value_or("");
  s.size = *size;
  s.last_modified = get_string(*j, "last_modified").value_or("");
  s.etag = get_string(*j, "etag").value_or("");
  return std::optional<download_state>(std::move(s));
}

}  // namespace bits::client
