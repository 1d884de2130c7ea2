// Event JSON with nlohmann-json; ids from OpenSSL (SHA-256, RAND_bytes).
#include "hooks/event.hpp"

#include "core/number_text.hpp"
#include "core/upload_path.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <array>
#include <ctime>
#include <random>

namespace bits::hooks {
namespace {

using json = nlohmann::json;

constexpr int json_version = 1;

struct type_name {
  event_type type;
  std::string_view name;
};
constexpr std::array<type_name, 5> type_names{{
    {event_type::pre_create, "pre-create"},
    {event_type::post_commit, "post-commit"},
    {event_type::post_cancel, "post-cancel"},
    {event_type::post_expire, "post-expire"},
    {event_type::post_evict, "post-evict"},
}};

bool is_pchar(unsigned char c) noexcept {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  // unreserved, sub-delims, ':' and '@' (RFC 3986 pchar), and the segment separator
  return std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

template <class T>
json or_null(std::optional<T> const& v) {
  return v ? json(*v) : json(nullptr);
}

json time_or_null(std::optional<std::int64_t> const& t) {
  return t ? json(rfc3339(*t)) : json(nullptr);
}

std::optional<std::int64_t> parse_rfc3339(std::string const& text) {
  std::tm tm{};
  char const* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(::timegm(&tm));
}

}  // namespace

std::string_view to_string(event_type type) noexcept {
  for (auto const& t : type_names) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

std::optional<event_type> parse_event_type(std::string_view text) noexcept {
  for (auto const& t : type_names) {
    if (t.name == text) return t.type;
  }
  return std::nullopt;
}

std::string make_event_id(core::session_id const& id, event_type type) {
  std::string input = "openbits-event:";
  input.append(reinterpret_cast<char const*>(id.bytes().data()), id.bytes().size());
  input += ':';
  input += to_string(type);
  std::array<std::uint8_t, 32> digest{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return core::format_hex_bytes(std::span{digest.data(), 16}, core::hex_case::lower);
}

std::string random_event_id() {
  std::array<std::uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // No entropy from OpenSSL (should not happen): the id only has to be unique enough
    // to tell events apart, so the C++ generator will do.
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rd());
  }
  return core::format_hex_bytes(bytes, core::hex_case::lower);
}

std::string rfc3339(std::int64_t unix_seconds) {
  std::time_t const t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  std::size_t const n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf.data(), n);
}

std::string encode_url_path(std::string_view path) {
  return core::percent_encode(path, [](char c) { return is_pchar(static_cast<unsigned char>(c)); });
}

std::string to_json(event const& e) {
  json j = json::object();
  j["version"] = json_version;
  j["id"] = e.id;
  j["type"] = std::string(to_string(e.type));
  j["time"] = rfc3339(e.time);
  j["vdir"] = e.vdir;
  j["url_path"] = encode_url_path(e.url_path);
  // An object store's destination is a bucket and key: no local path names it.
  bool const object = !e.bucket.empty();
  j["file_path"] = object ? json(nullptr) : json(e.file_path);
  j["bucket"] = object ? json(e.bucket) : json(nullptr);
  j["key"] = object ? json(e.key) : json(nullptr);
  j["size"] = or_null(e.size);
  j["declared_size"] = or_null(e.declared_size);
  j["sha256"] = e.sha256 ? json(e.sha256->hex()) : json(nullptr);
  j["principal"] = e.principal;
  j["client_address"] = e.client_address;
  j["session_id"] = e.session_id ? json(e.session_id->to_string()) : json(nullptr);
  j["created"] = time_or_null(e.created);
  j["committed"] = time_or_null(e.committed);
  // Names need not be UTF-8 (BITS clients send bytes); JSON text must be.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<event> event_from_json(std::string_view text) {
  json const j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    if (j.at("version").get<int>() != json_version) return std::nullopt;
    event e;
    auto const type = parse_event_type(j.at("type").get<std::string>());
    if (!type) return std::nullopt;
    e.type = *type;
    e.id = j.at("id").get<std::string>();
    auto const time = parse_rfc3339(j.at("time").get<std::string>());
    if (!time) return std::nullopt;
    e.time = *time;
    e.vdir = j.at("vdir").get<std::string>();
    auto const path = core::decode_target_path(j.at("url_path").get<std::string>());
    if (!path) return std::nullopt;
    e.url_path = *path;
    if (!j.at("file_path").is_null()) e.file_path = j.at("file_path").get<std::string>();
    // Events recorded before the object-store fields existed have neither.
    if (j.contains("bucket") && !j.at("bucket").is_null()) {
      e.bucket = j.at("bucket").get<std::string>();
      e.key = j.at("key").get<std::string>();
    }
    if (!j.at("size").is_null()) e.size = j.at("size").get<std::uint64_t>();
    if (!j.at("declared_size").is_null()) {
      e.declared_size = j.at("declared_size").get<std::uint64_t>();
    }
    if (!j.at("sha256").is_null()) {
      e.sha256 = sha256_digest::from_hex(j.at("sha256").get<std::string>());
      if (!e.sha256) return std::nullopt;
    }
    e.principal = j.at("principal").get<std::string>();
    e.client_address = j.at("client_address").get<std::string>();
    if (!j.at("session_id").is_null()) {
      auto id = core::parse_session_id(j.at("session_id").get<std::string>());
      if (!id) return std::nullopt;
      e.session_id = *id;
    }
    for (auto [key, field] : {std::pair{"created", &e.created}, {"committed", &e.committed}}) {
      if (j.at(key).is_null()) continue;
      auto const t = parse_rfc3339(j.at(key).get<std::string>());
      if (!t) return std::nullopt;
      *field = *t;
    }
    return e;
  } catch (json::exception const&) {
    return std::nullopt;  // a missing or mistyped field
  }
}

}  // namespace bits::hooks
