// config_writer: daemon_options -> TOML text, keys checked against the settings table.
#include "support/config_writer.hpp"

#include "config/reference.hpp"
#include "settings/settings.hpp"
#include "support/digest.hpp"

#include <algorithm>
#include <stdexcept>

namespace bits::test {
namespace {

// Whether a TOML value of kind `what` can be read as a setting of kind `kind`.
bool fits(toml_value::kind what, settings::value_kind kind) {
  using settings::value_kind;
  switch (what) {
    case toml_value::kind::boolean:
      return kind == value_kind::boolean;
    case toml_value::kind::integer:
      return kind == value_kind::integer || kind == value_kind::duration;
    case toml_value::kind::string:
      return kind == value_kind::string || kind == value_kind::choice || kind == value_kind::mode ||
             kind == value_kind::choice_list;
    case toml_value::kind::string_array:
      return kind == value_kind::endpoints || kind == value_kind::choice_list ||
             kind == value_kind::strings || kind == value_kind::networks;
    case toml_value::kind::raw:
      return true;
  }
  return false;
}

void put(std::string& out, setting_values const& values, std::string_view section,
         std::initializer_list<std::string_view> members) {
  for (auto const member : members) {
    if (values.contains(member)) {
      throw std::invalid_argument("config_writer: set " + std::string(section) + "." +
                                  std::string(member) + " through the options' member");
    }
  }
  for (auto const& [key, value] : values.entries()) out += key + " = " + value.text() + "\n";
}

void put_server(std::string& out, server_options const& s) {
  out += "[server]\nlisten = " + toml_value(s.listen).text() + "\n";
  put(out, s.values, "server", {"listen"});
}

void put_vdir(std::string& out, vdir_options const& v) {
  out +=
      "\n[[vdir]]\nurl = " + toml_string(v.url) + "\nroot = " + toml_string(v.root.string()) + "\n";
  put(out, v.values, "vdir", {"url", "root"});
}

}  // namespace

toml_value::toml_value(bool value) : text_(value ? "true" : "false"), kind_(kind::boolean) {}

toml_value::toml_value(std::chrono::seconds value)
    : text_(std::to_string(value.count())), kind_(kind::integer) {}

toml_value::toml_value(char const* text) : toml_value(std::string(text)) {}

toml_value::toml_value(std::string const& text) : text_(toml_string(text)), kind_(kind::string) {}

toml_value::toml_value(std::filesystem::path const& path) : toml_value(path.string()) {}

toml_value::toml_value(std::vector<std::string> const& texts) : kind_(kind::string_array) {
  text_ = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) {
    text_ += (i == 0 ? "" : ", ") + toml_string(texts[i]);
  }
  text_ += "]";
}

toml_value toml_value::raw(std::string text) {
  return {std::move(text), kind::raw};
}

setting_values::setting_values(std::string_view section, std::initializer_list<entry> entries)
    : section_(section) {
  for (auto const& [key, value] : entries) set(key, value);
}

setting_values& setting_values::set(std::string const& key, toml_value value) {
  auto const* info = settings::find_setting(section_, key);
  if (info == nullptr) {
    throw std::invalid_argument("config_writer: [" + section_ + "] has no key \"" + key + "\"");
  }
  if (contains(key)) {
    throw std::invalid_argument("config_writer: " + section_ + "." + key + " set twice");
  }
  if (!fits(value.what(), info->kind)) {
    throw std::invalid_argument("config_writer: " + section_ + "." + key + " = " + value.text() +
                                " has the wrong type (toml_value::raw() writes it anyway)");
  }
  entries_.emplace_back(key, std::move(value));
  return *this;
}

setting_values& setting_values::set_defaults(std::vector<std::string_view> const& except) {
  for (auto const& [key, text] : config::default_values(section_)) {
    if (contains(key) || std::find(except.begin(), except.end(), key) != except.end()) continue;
    entries_.emplace_back(key, toml_value::raw(text));
  }
  return *this;
}

bool setting_values::contains(std::string_view key) const noexcept {
  return std::any_of(entries_.begin(), entries_.end(),
                     [key](entry const& e) { return e.first == key; });
}

std::string toml_string(std::string const& text) {
  return config::toml_string(text);
}

std::string to_toml(daemon_options const& options) {
  std::string out;
  put_server(out, options.server);
  for (auto const& vdir : options.vdirs) put_vdir(out, vdir);
  if (!options.admin.entries().empty()) {
    out += "\n[admin]\n";
    put(out, options.admin, "admin", {});
  }
  return out;
}

bool write_config(std::filesystem::path const& file, daemon_options const& options) {
  return write_file(file, to_toml(options));
}

}  // namespace bits::test
