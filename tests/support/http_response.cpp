// http_response lookups and printing.
#include "support/http_response.hpp"

#include <algorithm>
#include <cctype>

namespace bits::test {
namespace {

char lower(char c) noexcept {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

std::string_view to_string(read_outcome outcome) noexcept {
  switch (outcome) {
    case read_outcome::response:
      return "response";
    case read_outcome::closed:
      return "closed";
    case read_outcome::reset:
      return "reset";
    case read_outcome::timeout:
      return "timeout";
    case read_outcome::malformed:
      return "malformed";
  }
  return "?";
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view haystack, std::string_view needle) noexcept {
  auto const it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                              [](char x, char y) { return lower(x) == lower(y); });
  return it != haystack.end() || needle.empty();
}

std::optional<std::string> http_response::header(std::string_view name) const {
  for (auto const& [field, value] : headers) {
    if (iequals(field, name)) return value;
  }
  return std::nullopt;
}

std::string http_response::header_or_empty(std::string_view name) const {
  return header(name).value_or(std::string{});
}

std::size_t http_response::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(),
                    [&](auto const& field) { return iequals(field.first, name); }));
}

std::string http_response::describe() const {
  if (!ok()) return "<no response: " + std::string(to_string(outcome)) + ">";
  std::string out = version + " " + std::to_string(status) + " " + reason + "\n";
  for (auto const& [field, value] : headers) out += "  " + field + ": " + value + "\n";
  if (!body.empty()) {
    out += "  <body " + std::to_string(body.size()) + " bytes: " + body.substr(0, 200) + ">\n";
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, http_response const& response) {
  return os << response.describe();
}

}  // namespace bits::test
