// TOML -> daemon_config. The only file that knows toml++. It checks keys, types and
// whether a number fits its field, and records the line of every key it sees; the rules
// about what values mean are validate()'s (validate.cpp), whose problems are then placed
// on the line of their key. Keys are 1-based in arrays: vdir[1] is the first [[vdir]].
#include "config/load.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <system_error>
#include <variant>

namespace bits::config {
namespace {

using line_number = std::uint32_t;  // toml++'s source_index; 0 = not known

line_number line_of(toml::node const& node) noexcept {
  return node.source().begin.line;
}

// "vdir[2].url" -> "vdir[2]" -> "vdir" -> "": the keys a problem could be attached to.
bool drop_last_part(std::string& key) {
  auto const cut = key.find_last_of(".[");
  if (cut == std::string::npos) return false;
  key.resize(cut);
  return true;
}

/// Collects problems with their line (for sorting) and the line of every key seen, so
/// that validate()'s problems, which know only keys, can be placed as well.
class collector {
 public:
  explicit collector(std::string file) : file_(std::move(file)) {}

  void saw(std::string const& key, toml::node const& node) { lines_[key] = line_of(node); }

  void fail(std::string key, toml::node const& node, std::string message) {
    add(line_of(node), std::move(key), std::move(message));
  }

  void add(line_number line, std::string key, std::string message) {
    failed_.insert(key);
    auto where = line == 0 ? file_ : file_ + ":" + std::to_string(line);
    found_.push_back({line, {std::move(where), std::move(key), std::move(message)}});
  }

  /// Takes validate()'s problems. A key whose value (or an enclosing table) was already
  /// rejected here kept its default, so anything validate() says about it is noise.
  void place(std::vector<problem> semantic) {
    for (auto& p : semantic) {
      if (covered(p.key)) continue;
      auto const line = line_for(p.key);
      add(line, std::move(p.key), std::move(p.message));
    }
  }

  /// All problems in file order; those without a line (e.g. "no [[vdir]]") last.
  std::vector<problem> finish() {
    std::stable_sort(found_.begin(), found_.end(), [](auto const& a, auto const& b) {
      constexpr auto last = std::numeric_limits<line_number>::max();
      return (a.first == 0 ? last : a.first) < (b.first == 0 ? last : b.first);
    });
    std::vector<problem> out;
    out.reserve(found_.size());
    for (auto& f : found_) out.push_back(std::move(f.second));
    return out;
  }

 private:
  bool covered(std::string key) const {
    do {
      if (failed_.contains(key)) return true;
    } while (drop_last_part(key));
    return false;
  }

  // A key that is absent (a missing root, say) takes the line of its table.
  line_number line_for(std::string key) const {
    do {
      if (auto const it = lines_.find(key); it != lines_.end()) return it->second;
    } while (drop_last_part(key));
    return 0;
  }

  std::string file_;
  std::map<std::string, line_number> lines_;
  std::set<std::string> failed_;
  std::vector<std::pair<line_number, problem>> found_;
};

// ---- typed readers: on any problem the field keeps its default -------------------

void read_value(bool& out, toml::node const& node, std::string const& key, collector& c) {
  if (auto const* v = node.as_boolean()) {
    out = v->get();
  } else {
    c.fail(key, node, "expected a boolean (true or false)");
  }
}

void read_value(std::string& out, toml::node const& node, std::string const& key, collector& c) {
  if (auto const* v = node.as_string()) {
    out = v->get();
  } else {
    c.fail(key, node, "expected a string");
  }
}

// TOML integers are signed 64-bit; our fields are unsigned, so both ends are checked.
template <class Unsigned>
void read_unsigned(Unsigned& out, toml::node const& node, std::string const& key, collector& c) {
  auto const* v = node.as_integer();
  if (v == nullptr) return c.fail(key, node, "expected an integer");
  auto const n = v->get();
  if (n < 0) return c.fail(key, node, "must not be negative");
  auto const value = static_cast<std::uint64_t>(n);
  if (value > std::numeric_limits<Unsigned>::max()) {
    return c.fail(key, node,
                  "must be at most " + std::to_string(std::numeric_limits<Unsigned>::max()));
  }
  out = static_cast<Unsigned>(value);
}

void read_value(unsigned& out, toml::node const& node, std::string const& key, collector& c) {
  read_unsigned(out, node, key, c);
}

void read_value(std::uint64_t& out, toml::node const& node, std::string const& key, collector& c) {
  read_unsigned(out, node, key, c);
}

// All or nothing: with one bad element the default stays, so that validate() never
// reports an index that does not match the file.
void read_value(std::vector<std::string>& out, toml::node const& node, std::string const& key,
                collector& c) {
  auto const* array = node.as_array();
  if (array == nullptr) {
    return c.fail(key, node, "expected an array of strings, e.g. [\"0.0.0.0:8080\"]");
  }
  std::vector<std::string> values;
  bool all_strings = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    auto const& element = *array->get(i);
    auto const element_key = key + "[" + std::to_string(i + 1) + "]";
    c.saw(element_key, element);
    if (auto const* s = element.as_string()) {
      values.push_back(s->get());
    } else {
      c.fail(element_key, element, "expected a string");
      all_strings = false;
    }
  }
  if (all_strings) out = std::move(values);
}

// ---- the key tables: one row per TOML key; names are a public interface ----------

template <class S>
using member = std::variant<bool S::*, unsigned S::*, std::uint64_t S::*, std::string S::*,
                            std::vector<std::string> S::*>;

template <class S>
struct key_spec {
  std::string_view name;
  member<S> field;
};

using sc = server_config;
constexpr key_spec<sc> server_keys[] = {
    {"listen", &sc::listen},
    {"io_threads", &sc::io_threads},
    {"disk_threads", &sc::disk_threads},
    {"log_level", &sc::log_level},
    {"max_header_bytes", &sc::max_header_bytes},
    {"max_header_count", &sc::max_header_count},
    {"idle_timeout", &sc::idle_timeout},
    {"header_timeout", &sc::header_timeout},
    {"read_timeout", &sc::read_timeout},
    {"write_timeout", &sc::write_timeout},
    {"shutdown_grace", &sc::shutdown_grace},
    {"sync_interval", &sc::sync_interval},
    {"tombstone_ttl", &sc::tombstone_ttl},
    {"session_wait", &sc::session_wait},
    {"max_connections", &sc::max_connections},
    {"max_connections_per_address", &sc::max_connections_per_address},
    {"max_url_bytes", &sc::max_url_bytes},
    {"tls_cert", &sc::tls_cert},
    {"tls_key", &sc::tls_key},
    {"tls_client_ca", &sc::tls_client_ca},
    {"tls_min_version", &sc::tls_min_version},
};

using vc = vdir_config;
constexpr key_spec<vc> vdir_keys[] = {
    {"url", &vc::url},
    {"root", &vc::root},
    {"spool_dir", &vc::spool_dir},
    {"upload_enabled", &vc::upload_enabled},
    {"downloads_enabled", &vc::downloads_enabled},
    {"max_upload_size", &vc::max_upload_size},
    {"max_fragment_size", &vc::max_fragment_size},
    {"allow_overwrites", &vc::allow_overwrites},
    {"create_dirs", &vc::create_dirs},
    {"dir_mode", &vc::dir_mode},
    {"session_timeout", &vc::session_timeout},
    {"cleanup_interval", &vc::cleanup_interval},
    {"host_id", &vc::host_id},
    {"host_id_fallback_timeout", &vc::host_id_fallback_timeout},
    {"notification_type", &vc::notification_type},
    {"notification_url", &vc::notification_url},
    {"notification_timeout", &vc::notification_timeout},
    {"max_sessions", &vc::max_sessions},
    {"max_sessions_per_user", &vc::max_sessions_per_user},
    {"max_sessions_per_address", &vc::max_sessions_per_address},
    {"evict_idle_after", &vc::evict_idle_after},
    {"max_spool_bytes", &vc::max_spool_bytes},
    {"min_free_disk", &vc::min_free_disk},
    {"auth", &vc::auth},
    {"htpasswd", &vc::htpasswd},
    {"realm", &vc::realm},
    {"allow_basic_over_http", &vc::allow_basic_over_http},
};

// Unknown keys are errors: a misspelt key silently falling back to its default is the
// kind of mistake an operator finds only in production.
template <class S>
void read_table(toml::table const& table, std::string const& prefix,
                std::span<key_spec<S> const> specs, S& out, collector& c) {
  for (auto&& [name, node] : table) {
    auto const key = prefix + "." + std::string(name.str());
    auto const spec = std::find_if(specs.begin(), specs.end(),
                                   [&](auto const& s) { return s.name == name.str(); });
    if (spec == specs.end()) {
      c.fail(key, node, "unknown key");
      continue;
    }
    c.saw(key, node);
    std::visit([&](auto field) { read_value(out.*field, node, key, c); }, spec->field);
  }
}

void read_vdir(toml::node const& node, std::size_t index, collector& c, daemon_config& cfg) {
  auto const prefix = "vdir[" + std::to_string(index + 1) + "]";
  c.saw(prefix, node);
  // Kept even when broken, so the indexes of later vdirs match the file.
  auto& v = cfg.vdirs.emplace_back();
  auto const* table = node.as_table();
  if (table == nullptr) return c.fail(prefix, node, "expected a table");
  read_table<vdir_config>(*table, prefix, vdir_keys, v, c);
  if (!table->contains("root")) c.fail(prefix + ".root", node, "required key is missing");
  // "/up" and "/up/" mean the same prefix; matching is simpler when it always ends in
  // '/'. A missing leading '/' is left for validate() to report, not guessed at.
  if (!v.url.empty() && v.url.front() == '/' && v.url.back() != '/') v.url += '/';
}

void read_document(toml::table const& doc, collector& c, daemon_config& cfg) {
  for (auto&& [name, node] : doc) {
    std::string const key(name.str());
    if (key == "server") {
      c.saw(key, node);
      if (auto const* table = node.as_table()) {
        read_table<server_config>(*table, key, server_keys, cfg.server, c);
      } else {
        c.fail(key, node, "expected a table ([server])");
      }
    } else if (key == "vdir") {
      c.saw(key, node);
      auto const* array = node.as_array();
      if (array == nullptr) {
        c.fail(key, node, "expected an array of tables ([[vdir]])");
        continue;
      }
      for (std::size_t i = 0; i < array->size(); ++i) read_vdir(*array->get(i), i, c, cfg);
    } else {
      c.fail(key, node, "unknown key");
    }
  }
}

}  // namespace

std::string problem::to_string() const {
  if (key.empty()) return where + ": " + message;
  return where + ": " + key + ": " + message;
}

load_result load_config_text(std::string const& text, std::string const& name) {
  load_result result;
  collector c(name);
  toml::table doc;
  // toml++ is built with exceptions; this is the one place they are caught. It stops
  // at the first syntax error, so that is the only problem reported then.
  try {
    doc = toml::parse(text, std::string_view(name));
  } catch (toml::parse_error const& e) {
    c.add(e.source().begin.line, "", std::string(e.description()));
    result.problems = c.finish();
    return result;
  }
  read_document(doc, c, result.config);
  c.place(validate(result.config, name));
  result.problems = c.finish();
  return result;
}

load_result load_config_file(std::string const& file) {
  load_result result;
  std::error_code ec;
  // A directory opens fine as a stream and then reads as empty; say what it is instead.
  if (std::filesystem::is_directory(file, ec)) {
    result.problems.push_back({file, "", "is a directory, not a configuration file"});
    return result;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    auto const reason = std::error_code(errno, std::generic_category()).message();
    result.problems.push_back({file, "", "cannot open: " + reason});
    return result;
  }
  std::string const text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    result.problems.push_back({file, "", "read error"});
    return result;
  }
  return load_config_text(text, file);
}

}  // namespace bits::config
