// Request target -> decoded path -> validated segments below a virtual directory
// (reference 12, "Paths"). This is the first line of defence against names that leave
// the root; the storage layer confines again with openat/O_NOFOLLOW.
#include "core/upload_path.hpp"

#include "core/message.hpp"
#include "core/number_text.hpp"

namespace bits::core {
namespace {

// Control bytes end up in file names, logs and terminals; '\' is a separator for
// Windows clients and for the reply URLs IIS wrote. Neither has a place in a name.
constexpr bool is_forbidden_byte(char c) noexcept {
  auto const b = static_cast<unsigned char>(c);
  return b < 0x20 || b == 0x7F || c == '\\';
}

// The target without its query and fragment.
std::string_view target_path_part(std::string_view target) noexcept {
  return target.substr(0, target.find_first_of("?#"));
}

// The prefix without trailing '/', so "/up/" and "/up" behave alike and "/" becomes "".
std::string_view trim_prefix(std::string_view prefix) noexcept {
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  return prefix;
}

bool is_valid_segment(std::string_view seg) noexcept {
  if (seg.empty() || seg == "." || seg == ".." || seg.size() > max_segment_bytes) return false;
  if (seg.size() >= reserved_name_prefix.size() &&
      iequals(seg.substr(0, reserved_name_prefix.size()), reserved_name_prefix)) {
    return false;
  }
  // decode_target_path already refuses these; checked again because split_below may be
  // handed a path from elsewhere (session metadata, configuration).
  for (char const c : seg) {
    if (is_forbidden_byte(c)) return false;
  }
  return true;
}

}  // namespace

result<std::string> decode_target_path(std::string_view target) {
  std::string_view const raw = target_path_part(target);
  if (raw.empty() || raw.front() != '/') return error::invalid_path;
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      auto const decoded = percent_escape_at(raw, i);  // "%", "%4" or "%zz" fail
      if (!decoded) return error::invalid_path;
      c = *decoded;
      // An encoded '/' would let one segment hide a separator from every check below;
      // %5C and %00 fall to the forbidden-byte check like their literal forms.
      if (c == '/') return error::invalid_path;
      i += 2;
    }
    if (is_forbidden_byte(c)) return error::invalid_path;
    out.push_back(c);
    if (out.size() > max_path_bytes) return error::invalid_path;
  }
  return out;
}

bool path_under_prefix(std::string_view path, std::string_view prefix) noexcept {
  std::string_view const p = trim_prefix(prefix);
  if (path.substr(0, p.size()) != p) return false;
  std::string_view const rest = path.substr(p.size());
  return rest.empty() || rest.front() == '/';
}

result<std::vector<std::string>> split_below(std::string_view path, std::string_view prefix) {
  if (!path_under_prefix(path, prefix)) return error::invalid_path;
  std::string_view rest = path.substr(trim_prefix(prefix).size());
  std::vector<std::string> segments;
  // "/up" and "/up/" both name the root of the virtual directory "/up".
  if (rest.empty() || rest == "/") return segments;
  rest.remove_prefix(1);
  while (true) {
    auto const slash = rest.find('/');
    std::string_view const seg = rest.substr(0, slash);
    if (!is_valid_segment(seg)) return error::invalid_path;
    segments.emplace_back(seg);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

std::string join_segments(std::vector<std::string> const& segments) {
  std::string out;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i != 0) out.push_back('/');
    out += segments[i];
  }
  return out;
}

}  // namespace bits::core
