// Content-Range and multipart/byteranges parsing.
#include "reply/byteranges.hpp"

#include "core/number_text.hpp"

namespace bits::test {
namespace {

bool parse_number(std::string_view text, std::uint64_t& out) {
  auto const value = core::parse_decimal_u64(text);
  if (value) out = *value;
  return value.has_value();
}

/// The boundary parameter of a multipart/byteranges Content-Type, unquoted.
std::optional<std::string> boundary_of(std::string_view content_type) {
  if (!icontains(content_type.substr(0, 20), "multipart/byteranges")) return std::nullopt;
  auto const at = content_type.find("boundary=");
  if (at == std::string_view::npos) return std::nullopt;
  auto value = content_type.substr(at + 9);
  value = value.substr(0, value.find(';'));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

/// Reads one part's header block at `pos` (just after a delimiter line) and its data.
std::optional<byte_part> read_part(std::string_view body, std::size_t& pos, std::string& why) {
  auto const end = body.find("\r\n\r\n", pos);
  if (end == std::string_view::npos) {
    why = "part headers do not end";
    return std::nullopt;
  }
  std::optional<byte_part> part;
  for (std::size_t line = pos; line < end + 2;) {
    auto const eol = body.find("\r\n", line);
    auto const field = body.substr(line, eol - line);
    auto const colon = field.find(':');
    if (colon != std::string_view::npos && iequals(field.substr(0, colon), "Content-Range")) {
      auto value = field.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      part = parse_content_range(value);
    }
    line = eol + 2;
  }
  if (!part) {
    why = "a part has no valid Content-Range";
    return std::nullopt;
  }
  std::uint64_t const length = part->last - part->first + 1;
  pos = end + 4;
  if (body.size() - pos < length) {
    why = "a part is shorter than its Content-Range";
    return std::nullopt;
  }
  part->data = std::string(body.substr(pos, static_cast<std::size_t>(length)));
  pos += static_cast<std::size_t>(length);
  return part;
}

}  // namespace

std::optional<byte_part> parse_content_range(std::string_view text) {
  if (text.substr(0, 6) != "bytes ") return std::nullopt;
  text.remove_prefix(6);
  auto const dash = text.find('-');
  auto const slash = text.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
    return std::nullopt;
  }
  byte_part p;
  if (!parse_number(text.substr(0, dash), p.first) ||
      !parse_number(text.substr(dash + 1, slash - dash - 1), p.last) ||
      !parse_number(text.substr(slash + 1), p.size) || p.last < p.first || p.last >= p.size) {
    return std::nullopt;
  }
  return p;
}

std::optional<std::vector<byte_part>> parse_byteranges(http_response const& r, std::string& why) {
  auto const boundary = boundary_of(r.header_or_empty("Content-Type"));
  if (!boundary) {
    why = "Content-Type is not multipart/byteranges with a boundary: " +
          r.header_or_empty("Content-Type");
    return std::nullopt;
  }
  std::string_view const body = r.body;
  std::string const delimiter = "--" + *boundary;
  std::size_t pos = 0;
  for (int crlf = 0; crlf < 2 && body.substr(pos, 2) == "\r\n"; ++crlf) pos += 2;
  if (body.substr(pos, delimiter.size() + 2) != delimiter + "\r\n") {
    why = "the body does not start with the delimiter";
    return std::nullopt;
  }
  pos += delimiter.size() + 2;
  std::vector<byte_part> parts;
  for (;;) {
    auto part = read_part(body, pos, why);
    if (!part) return std::nullopt;
    parts.push_back(std::move(*part));
    if (body.substr(pos, delimiter.size() + 2) != "\r\n" + delimiter) {
      why = "no delimiter after part " + std::to_string(parts.size());
      return std::nullopt;
    }
    pos += delimiter.size() + 2;
    if (body.substr(pos, 2) == "--") {
      pos += 2;
      if (body.substr(pos) != "" && body.substr(pos) != "\r\n") {
        why = "bytes after the closing delimiter";
        return std::nullopt;
      }
      return parts;
    }
    if (body.substr(pos, 2) != "\r\n") {
      why = "a delimiter line does not end with CRLF";
      return std::nullopt;
    }
    pos += 2;
  }
}

}  // namespace bits::test
