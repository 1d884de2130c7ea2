// JSON encoding of spool metadata. nlohmann::json is used only in its non-throwing
// forms: parse with allow_exceptions = false, typed access only after a type check,
// dump with the replacing error handler (all strings are ASCII by then anyway).
#include "storage/metadata.hpp"

#include "core/checksum.hpp"
#include "core/number_text.hpp"
#include "core/session_id.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace bits::storage::detail {
namespace {

using json = nlohmann::json;

// Printable ASCII is stored as is; '%' and everything else as "%XX".
std::string percent_encode(std::string_view text) {
  return core::percent_encode(text, [](char ch) {
    auto const c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x7F && c != '%';
  });
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
  auto decoded = core::percent_decode(raw);
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
  // Optional fields: older spools have none (hooks).
  if (!r.sha256_state.empty()) j["sha256_state"] = percent_encode(r.sha256_state);
  if (!r.client_address.empty()) j["client_address"] = percent_encode(r.client_address);
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
      read_signed(j, "created", r.created) && read_signed(j, "last_activity", r.last_activity) &&
      read_string(j, "reply_token", r.reply_token) && read_encoded(j, "reply_url", r.reply_url);
  if (!ok) return std::nullopt;
  // Optional: a damaged value is dropped (the digest is then computed again from disk).
  if (j.contains("sha256_state") && !read_encoded(j, "sha256_state", r.sha256_state)) {
    r.sha256_state.clear();
  }
  if (j.contains("client_address") && !read_encoded(j, "client_address", r.client_address)) {
    r.client_address.clear();
  }
  return meta;
}

namespace {

constexpr std::string_view slot_magic = "bits-meta ";

/// The next space- or newline-terminated decimal of `text`, consumed with its end.
std::optional<std::uint64_t> take_decimal(std::string_view& text, char end) {
  auto const stop = text.find(end);
  if (stop == std::string_view::npos || stop > 20) return std::nullopt;
  auto const v = core::parse_decimal_u64(text.substr(0, stop));
  if (!v) return std::nullopt;
  text.remove_prefix(stop + 1);
  return v;
}

}  // namespace

std::string encode_meta_slot(stored_metadata const& meta, std::uint64_t seq) {
  std::string const body = encode_metadata(meta);
  std::string out;
  out.reserve(body.size() + 64);
  out.append(slot_magic);
  out.append(std::to_string(seq)).push_back(' ');
  out.append(std::to_string(body.size())).push_back(' ');
  out.append(core::format_hex_fixed(core::fnv1a_64(body), 16)).push_back('\n');
  out.append(body);
  return out;
}

namespace {

/// What a slot's header line says.
struct slot_header {
  std::uint64_t seq = 0;
  std::uint64_t length = 0;    ///< of the JSON after the header
  std::uint64_t checksum = 0;  ///< FNV-1a of that JSON
  std::size_t size = 0;        ///< of the header line, newline included
};

std::optional<slot_header> parse_slot_header(std::string_view bytes) {
  if (bytes.substr(0, slot_magic.size()) != slot_magic) return std::nullopt;
  auto rest = bytes.substr(slot_magic.size());
  auto const seq = take_decimal(rest, ' ');
  auto const length = take_decimal(rest, ' ');
  if (!seq || !length || *length > meta_slot_stride || rest.size() < 17 || rest[16] != '\n') {
    return std::nullopt;
  }
  auto const sum = core::parse_hex_u64(rest.substr(0, 16));
  if (!sum) return std::nullopt;
  return slot_header{*seq, *length, *sum, bytes.size() - rest.size() + 17};
}

}  // namespace

std::optional<std::uint64_t> meta_slot_size(std::string_view bytes) {
  auto const header = parse_slot_header(bytes);
  if (!header) return std::nullopt;
  return header->size + header->length;
}

std::optional<meta_version> decode_meta_slot(std::string_view bytes) {
  auto const header = parse_slot_header(bytes);
  if (!header) return std::nullopt;
  bytes.remove_prefix(header->size);
  if (header->length > bytes.size()) return std::nullopt;  // torn: the slot ends early
  auto const body = bytes.substr(0, static_cast<std::size_t>(header->length));
  if (core::fnv1a_64(body) != header->checksum) return std::nullopt;
  auto meta = decode_metadata(body);
  if (!meta) return std::nullopt;
  return meta_version{std::move(*meta), header->seq};
}

std::optional<meta_version> decode_meta_slots(std::string_view first, std::string_view second) {
  auto a = decode_meta_slot(first);
  auto b = decode_meta_slot(second);
  if (a && b) return a->seq >= b->seq ? std::move(a) : std::move(b);
  if (a) return a;
  return b;
}

}  // namespace bits::storage::detail
