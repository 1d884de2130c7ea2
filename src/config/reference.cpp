// The settings table as TOML text (see reference.hpp).
#include "config/reference.hpp"

#include "config/address.hpp"

#include <cstdio>

namespace bits::config {
namespace {

constexpr std::string_view header =
    "# openbitsd configuration reference: every key, with its default value.\n"
    "#\n"
    "# Check a file with:  openbitsd --check-config /etc/openbitsd.toml\n"
    "# Every key is optional except `root` in each [[vdir]]. Unknown keys are errors, so a\n"
    "# misspelt key is reported instead of silently falling back to its default.\n"
    "# Durations are whole seconds, sizes whole bytes; numbers are never negative.\n"
    "# This text is the output of `openbitsd --print-config-reference`, made from the\n"
    "# settings table; a unit test keeps docs/openbitsd.example.toml equal to it.\n";

// Comments line up in one column where the key and value leave room for it.
constexpr std::size_t comment_column = 29;

template <class S>
std::vector<std::pair<std::string, std::string>> defaults_of() {
  std::vector<std::pair<std::string, std::string>> out;
  S const defaults{};
  settings::visit(defaults, [&](settings::setting_info const& info, auto const& value) {
    out.emplace_back(std::string(info.name), toml_text(value));
  });
  return out;
}

template <class S>
void append_section(std::string& out) {
  using section = settings::section<S>;
  out += '\n';
  if (!section::help.empty()) out += "# " + std::string(section::help) + '\n';
  out += section::repeated ? "[[" + std::string(section::name) + "]]\n"
                           : "[" + std::string(section::name) + "]\n";
  auto const values = defaults_of<S>();
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto const& info = section::table[i];
    auto line = values[i].first + " = " +
                (info.rule.example.empty() ? values[i].second : toml_string(info.rule.example));
    line += line.size() < comment_column ? std::string(comment_column - line.size(), ' ') : "  ";
    out += line + "# " + std::string(info.help) + '\n';
  }
}

}  // namespace

std::string toml_string(std::string_view text) {
  std::string out = "\"";
  for (char const c : text) {
    auto const u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(u));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string toml_text(bool value) {
  return value ? "true" : "false";
}

std::string toml_text(std::uint64_t value) {
  return std::to_string(value);
}

std::string toml_text(unsigned value) {
  return std::to_string(value);
}

std::string toml_text(std::chrono::seconds value) {
  return std::to_string(value.count());
}

std::string toml_text(std::string const& value) {
  return toml_string(value);
}

std::string toml_text(settings::octal_mode value) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04o", value.bits);
  return toml_string(digits);
}

std::string toml_text(settings::listen_list const& value) {
  std::string out = "[";
  for (auto const& endpoint : value) {
    out += (out.size() == 1 ? "" : ", ") + toml_string(format_endpoint(endpoint));
  }
  return out + "]";
}

std::string toml_text(settings::auth_list const& value) {
  if (value.kinds.empty()) return toml_string(settings::name_of(settings::auth_kind::none));
  if (value.kinds.size() == 1) return toml_string(settings::name_of(value.kinds.front()));
  std::string out = "[";
  for (auto const kind : value.kinds) {
    out += (out.size() == 1 ? "" : ", ") + toml_string(settings::name_of(kind));
  }
  return out + "]";
}

std::string toml_text(settings::string_list const& value) {
  std::string out = "[";
  for (auto const& text : value) out += (out.size() == 1 ? "" : ", ") + toml_string(text);
  return out + "]";
}

std::string toml_text(settings::network_list const& value) {
  std::string out = "[";
  for (auto const& item : value.items) out += (out.size() == 1 ? "" : ", ") + toml_string(item);
  return out + "]";
}

std::vector<std::pair<std::string, std::string>> default_values(std::string_view section_name) {
  if (section_name == settings::section<settings::server_settings>::name) {
    return defaults_of<settings::server_settings>();
  }
  if (section_name == settings::section<settings::vdir_settings>::name) {
    return defaults_of<settings::vdir_settings>();
  }
  if (section_name == settings::section<settings::admin_settings>::name) {
    return defaults_of<settings::admin_settings>();
  }
  return {};
}

std::string reference_toml() {
  std::string out(header);
  append_section<settings::server_settings>(out);
  append_section<settings::vdir_settings>(out);
  append_section<settings::admin_settings>(out);
  return out;
}

}  // namespace bits::config
