// TOML -> daemon_config. The only file that knows toml++. Which keys exist, and of which
// type, is the settings table's (settings::visit hands each key's typed member to a
// reader here). It checks keys, types, whether a number fits its field, enumeration
// names and listen syntax, and records the line of every key it sees; bounds and the
// rules about what values mean are validate()'s (validate.cpp), whose problems are then
// placed on the line of their key. Keys are 1-based in arrays: vdir[1] is the first [[vdir]].
#include "config/load.hpp"

#include "config/address.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <concepts>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <system_error>

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

  /// True when a problem was reported for exactly `key`.
  [[nodiscard]] bool failed(std::string const& key) const { return failed_.contains(key); }

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
// Whether the value is in the setting's bounds is validate()'s question.
template <class Unsigned>
bool read_unsigned(Unsigned& out, toml::node const& node, std::string const& key, collector& c) {
  auto const* v = node.as_integer();
  if (v == nullptr) {
    c.fail(key, node, "expected an integer");
    return false;
  }
  auto const n = v->get();
  if (n < 0) {
    c.fail(key, node, "must not be negative");
    return false;
  }
  auto const value = static_cast<std::uint64_t>(n);
  if (value > std::numeric_limits<Unsigned>::max()) {
    c.fail(key, node, "must be at most " + std::to_string(std::numeric_limits<Unsigned>::max()));
    return false;
  }
  out = static_cast<Unsigned>(value);
  return true;
}

template <std::unsigned_integral Unsigned>
void read_value(Unsigned& out, toml::node const& node, std::string const& key, collector& c) {
  (void)read_unsigned(out, node, key, c);
}

void read_value(std::chrono::seconds& out, toml::node const& node, std::string const& key,
                collector& c) {
  std::uint64_t seconds = 0;
  if (read_unsigned(seconds, node, key, c)) {
    out = std::chrono::seconds(static_cast<std::chrono::seconds::rep>(seconds));
  }
}

template <settings::choice E>
void read_value(E& out, toml::node const& node, std::string const& key, collector& c) {
  auto const* v = node.as_string();
  if (v == nullptr) return c.fail(key, node, "expected a string");
  if (auto const value = settings::parse_choice<E>(v->get())) {
    out = *value;
    return;
  }
  std::string names;
  for (auto const name : settings::choices<E>::names) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  c.fail(key, node, "must be one of " + names + " (is \"" + v->get() + "\")");
}

void read_value(settings::octal_mode& out, toml::node const& node, std::string const& key,
                collector& c) {
  auto const* v = node.as_string();
  if (v == nullptr) return c.fail(key, node, "expected a string, e.g. \"0750\"");
  if (auto const bits = parse_dir_mode(v->get())) {
    out.bits = *bits;
  } else {
    c.fail(key, node, "must be an octal mode such as \"0750\" (is \"" + v->get() + "\")");
  }
}

// Arrays are read all or nothing: `each(i, element, element_key)` reads element i (seen
// as "key[i+1]", where its problems are reported); true when no element failed.
template <class F>
bool read_elements(toml::array const& array, std::string const& key, collector& c, F&& each) {
  bool all_parsed = true;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto const& element = *array.get(i);
    auto const element_key = key + "[" + std::to_string(i + 1) + "]";
    c.saw(element_key, element);
    each(i, element, element_key);
    all_parsed = all_parsed && !c.failed(element_key);
  }
  return all_parsed;
}

// A string element passed to `take`, which returns why it is wrong ("" when it is not).
template <class F>
void checked_string(toml::node const& element, std::string const& element_key, collector& c,
                    F&& take) {
  auto const* text = element.as_string();
  if (text == nullptr) return c.fail(element_key, element, "expected a string");
  if (auto const why = take(text->get()); !why.empty()) {
    c.fail(element_key, element, std::string(why) + " (\"" + text->get() + "\")");
  }
}

// All or nothing: with one bad element the default stays, so that validate() never
// reports an index that does not match the file.
void read_value(settings::listen_list& out, toml::node const& node, std::string const& key,
                collector& c) {
  if (auto const* one = node.as_string()) {  // a single address: "127.0.0.1:9180"
    settings::listen_endpoint value;
    if (auto const why = parse_endpoint(one->get(), value); !why.empty()) {
      return c.fail(key, node, std::string(why) + " (\"" + one->get() + "\")");
    }
    out = {value};
    return;
  }
  auto const* array = node.as_array();
  if (array == nullptr) {
    return c.fail(key, node, "expected a string or an array of strings, e.g. [\"0.0.0.0:8080\"]");
  }
  settings::listen_list values(array->size());
  bool const all_parsed = read_elements(
      *array, key, c,
      [&](std::size_t i, toml::node const& element, std::string const& element_key) {
        checked_string(element, element_key, c,
                       [&](std::string const& text) { return parse_endpoint(text, values[i]); });
      });
  if (all_parsed) out = std::move(values);
}

// A single name, or an array of names; all or nothing, as above. Repeated names and
// "none" among others are validate()'s question.
void read_value(settings::auth_list& out, toml::node const& node, std::string const& key,
                collector& c) {
  if (node.as_string() != nullptr) {
    settings::auth_kind kind = settings::auth_kind::none;
    read_value(kind, node, key, c);
    if (!c.failed(key)) out = settings::auth_list(kind);
    return;
  }
  auto const* array = node.as_array();
  if (array == nullptr) {
    return c.fail(key, node, "expected a string or an array of strings, e.g. [\"negotiate\"]");
  }
  std::vector<settings::auth_kind> kinds(array->size());
  bool const all_parsed =
      read_elements(*array, key, c,
                    [&](std::size_t i, toml::node const& element, std::string const& element_key) {
                      read_value(kinds[i], element, element_key, c);
                    });
  if (all_parsed) out = settings::auth_list(std::move(kinds));
}

void read_value(settings::string_list& out, toml::node const& node, std::string const& key,
                collector& c) {
  auto const* array = node.as_array();
  if (array == nullptr) return c.fail(key, node, "expected an array of strings");
  settings::string_list values(array->size());
  bool const all_parsed =
      read_elements(*array, key, c,
                    [&](std::size_t i, toml::node const& element, std::string const& element_key) {
                      checked_string(element, element_key, c, [&](std::string const& text) {
                        values[i] = text;
                        return std::string_view{};
                      });
                    });
  if (all_parsed) out = std::move(values);
}

void read_value(settings::network_list& out, toml::node const& node, std::string const& key,
                collector& c) {
  auto const* array = node.as_array();
  if (array == nullptr) {
    return c.fail(key, node, "expected an array of strings, e.g. [\"127.0.0.1\", \"10.0.0.0/8\"]");
  }
  settings::network_list values;
  bool const all_parsed = read_elements(
      *array, key, c, [&](std::size_t, toml::node const& element, std::string const& element_key) {
        checked_string(element, element_key, c, [&](std::string const& text) {
          auto const why = check_network(text);
          if (why.empty()) values.items.push_back(text);
          return why;
        });
      });
  if (all_parsed) out = std::move(values);
}

// ---- tables, driven by the settings table -----------------------------------------

// Unknown keys are errors: a misspelt key silently falling back to its default is the
// kind of mistake an operator finds only in production.
template <class S>
void read_table(toml::table const& table, std::string const& prefix, S& out, collector& c) {
  for (auto&& entry : table) {
    // Named references, not a structured binding: clang 14 cannot capture those.
    auto const& name = entry.first;
    auto const& node = entry.second;
    auto const key = prefix + "." + std::string(name.str());
    bool known = false;
    settings::visit(out, [&](settings::setting_info const& info, auto& value) {
      if (known || info.name != name.str()) return;
      known = true;
      c.saw(key, node);
      read_value(value, node, key, c);
    });
    if (!known) c.fail(key, node, "unknown key");
  }
  for (auto const& info : settings::section<S>::table) {
    if (info.rule.required && !table.contains(info.name)) {
      c.fail(prefix + "." + std::string(info.name), table, "required key is missing");
    }
  }
}

void read_vdir(toml::node const& node, std::size_t index, collector& c, daemon_config& cfg) {
  auto const prefix = "vdir[" + std::to_string(index + 1) + "]";
  c.saw(prefix, node);
  // Kept even when broken, so the indexes of later vdirs match the file.
  auto& v = cfg.vdirs.emplace_back();
  auto const* table = node.as_table();
  if (table == nullptr) return c.fail(prefix, node, "expected a table");
  read_table(*table, prefix, v, c);
  // "/up" and "/up/" mean the same prefix; matching is simpler when it always ends in
  // '/'. A missing leading '/' is left for validate() to report, not guessed at.
  if (!v.url.empty() && v.url.front() == '/' && v.url.back() != '/') v.url += '/';
}

void read_document(toml::table const& doc, collector& c, daemon_config& cfg) {
  for (auto&& [name, node] : doc) {
    std::string const key(name.str());
    if (key == settings::section<server_config>::name) {
      c.saw(key, node);
      if (auto const* table = node.as_table()) {
        read_table(*table, key, cfg.server, c);
      } else {
        c.fail(key, node, "expected a table ([server])");
      }
    } else if (key == settings::section<admin_config>::name) {
      c.saw(key, node);
      if (auto const* table = node.as_table()) {
        read_table(*table, key, cfg.admin, c);
      } else {
        c.fail(key, node, "expected a table ([admin])");
      }
    } else if (key == settings::section<vdir_config>::name) {
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

std::vector<problem> parse_listen_entries(std::vector<std::string> const& texts,
                                          settings::listen_list& out, std::string const& where) {
  std::vector<problem> problems;
  settings::listen_list values(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (auto const why = parse_endpoint(texts[i], values[i]); !why.empty()) {
      problems.push_back({where, "server.listen[" + std::to_string(i + 1) + "]",
                          std::string(why) + " (\"" + texts[i] + "\")"});
    }
  }
  if (problems.empty()) out = std::move(values);
  return problems;
}

std::optional<unsigned> parse_dir_mode(std::string_view text) noexcept {
  if (text.size() == 5 && text.front() == '0') text.remove_prefix(1);
  if (text.size() != 3 && text.size() != 4) return std::nullopt;
  unsigned mode = 0;
  for (char const ch : text) {
    if (ch < '0' || ch > '7') return std::nullopt;
    mode = mode * 8 + static_cast<unsigned>(ch - '0');
  }
  return mode;
}

}  // namespace bits::config
