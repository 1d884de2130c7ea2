// JSON encoding of spool metadata. nlohmann::json is used only in its non-throwing
// forms: parse with allow_exceptions = false, typed access only after a type check,
// dump with the replacing error handler (all strings are ASCII by then anyway).
#include "storage/metadata.hpp"

#include "core/session_id.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace bits::storage::detail {
namespace {

using json = nlohmann::json;

constexpr char hex_digits[] = "0123456789ABCDEF";

bool is_kept_as_is(unsigned char c) noexcept {
  return c >= 0x20 && c < 0x7F && c != '%';
}

std::string percent_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char const ch : text) {
    auto const c = static_cast<unsigned char>(ch);
    if (is_kept_as_is(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex_digits[c >> 4U]);
      out.push_back(hex_digits[c & 0x0FU]);
    }
  }
  return out;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (text.size() - i < 3) return std::nullopt;  // '%' needs two hex digits
    int const hi = hex_value(text[i + 1]);
    int const lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
    i += 2;
  }
  return out;
}

char const* state_name(session_state s) noexcept {
  switch (s) {
    case session_state::receiving:
      return "receiving";
    case session_state::complete:
      return "complete";
  }
  return "receiving";
}

// Typed field readers: false when the field is missing or has another type.
bool read_string(json const& j, char const* key, std::string& out) {
  auto const it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  out = it->get_ref<std::string const&>();
  return true;
}

bool read_unsigned(json const& j, char const* key, std::uint64_t& out) {
  auto const it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  out = it->get<std::uint64_t>();
  return true;
}

bool read_signed(json const& j, char const* key, std::int64_t& out) {
  auto const it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return false;
  }
  out = it->get<std::int64_t>();
  return true;
}

bool read_encoded(json const& j, char const* key, std::string& out) {
  std::string raw;
  if (!read_string(j, key, raw)) return false;
  auto decoded = percent_decode(raw);
  if (!decoded) return false;
  out = std::move(*decoded);
  return true;
}

bool read_state(json const& j, session_state& out) {
  std::string name;
  if (!read_string(j, "state", name)) return false;
  if (name == "receiving") {
    out = session_state::receiving;
  } else if (name == "complete") {
    out = session_state::complete;
  } else {
    return false;
  }
  return true;
}

bool read_total(json const& j, std::optional<std::uint64_t>& out) {
  auto const it = j.find("total");
  if (it == j.end()) return false;
  if (it->is_null()) {
    out.reset();
    return true;
  }
  if (!it->is_number_unsigned()) return false;
  out = it->get<std::uint64_t>();
  return true;
}

bool read_id(json const& j, core::session_id& out) {
  std::string text;
  if (!read_string(j, "id", text)) return false;
  auto const id = core::parse_session_id(text);
  if (!id) return false;
  out = *id;
  return true;
}

}  // namespace

std::string encode_metadata(stored_metadata const& meta) {
  auto const& r = meta.record;
  json j = json::object();
  j["version"] = metadata_version;
  j["id"] = r.id.to_string();
  j["destination"] = percent_encode(r.destination);
  j["principal"] = percent_encode(r.principal);
  j["total"] = r.total ? json(*r.total) : json(nullptr);
  j["received"] = r.received;
  j["durable"] = meta.durable;
  j["boot_id"] = percent_encode(meta.boot_id);
  j["state"] = state_name(r.state);
  j["created"] = r.created;
  j["last_activity"] = r.last_activity;
  j["reply_token"] = r.reply_token;
  j["reply_url"] = percent_encode(r.reply_url);
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<stored_metadata> decode_metadata(std::string_view text) {
  json const j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;  // also the "discarded" value of a parse error
  std::uint64_t version = 0;
  if (!read_unsigned(j, "version", version) || version != metadata_version) return std::nullopt;
  stored_metadata meta;
  auto& r = meta.record;
  bool const ok =
      read_id(j, r.id) && read_encoded(j, "destination", r.destination) &&
      read_encoded(j, "principal", r.principal) && read_total(j, r.total) &&
      read_unsigned(j, "received", r.received) && read_unsigned(j, "durable", meta.durable) &&
      read_encoded(j, "boot_id", meta.boot_id) && read_state(j, r.state) &&
      read_signed(j, "created", r.created) && read_signed(j, "last_activity", r.last_activity);
  if (!ok) return std::nullopt;
  // Upload-reply fields are optional: metadata of plain uploads may predate them.
  if (j.contains("reply_token") && !read_string(j, "reply_token", r.reply_token)) {
    return std::nullopt;
  }
  if (j.contains("reply_url") && !read_encoded(j, "reply_url", r.reply_url)) return std::nullopt;
  return meta;
}

}  // namespace bits::storage::detail
