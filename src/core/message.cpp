// request_head / reply helpers and the Ack builders every handler answers with.
#include "core/message.hpp"

#include "core/wire_error.hpp"

#include <algorithm>

namespace bits::core {
namespace {

constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

// Header names are case-insensitive (RFC 9110), and so are the BITS tokens Windows
// sends in mixed case ("Create-Session") while [SPEC] writes them upper case.
bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

// Linear search: a request has a handful of fields, fewer than a map would pay off for.
std::optional<std::string_view> request_head::header(std::string_view name) const noexcept {
  for (auto const& [field, value] : fields) {
    if (iequals(field, name)) return value;
  }
  return std::nullopt;
}

reply& reply::set(std::string_view name, std::string value) {
  for (auto& [field, old] : fields) {
    if (iequals(field, name)) {
      field = std::string(name);
      old = std::move(value);
      return *this;
    }
  }
  fields.emplace_back(std::string(name), std::move(value));
  return *this;
}

std::optional<std::string_view> reply::header(std::string_view name) const noexcept {
  for (auto const& [field, value] : fields) {
    if (iequals(field, name)) return std::string_view(value);
  }
  return std::nullopt;
}

reply make_ack(unsigned status) {
  reply r;
  r.status = status;
  r.set(header::packet_type, std::string(to_string(packet_type::ack)));
  return r;
}

// Error headers only where the table has a code: a 413 carries the status alone
// (reference 4.3), a 416 carries code 0x0 as the [SPEC] table lists it.
reply make_error_ack(error e) {
  wire_error const w = to_wire(e);
  reply r = make_ack(w.status);
  if (w.code) {
    r.set(header::error_code, format_hresult(*w.code));
    r.set(header::error_context, format_error_context(w.context));
  }
  return r;
}

}  // namespace bits::core
