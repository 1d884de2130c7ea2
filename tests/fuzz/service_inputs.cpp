// How the service fuzzer turns input bytes into choices: which session a packet is
// about, which URL, which id text and which principal it carries.
#include "fuzz/service_harness.hpp"

#include <array>

namespace bits::fuzz {
namespace {

// Targets that reach every routing answer: good names, a folder, a missing folder, a file
// in the way, reserved and encoded names, the root, other directories.
constexpr std::array<std::string_view, 12> targets = {
    "/up/a.bin",     "/up/sub/b.bin",  "/up/missing/c.bin",
    "/up/sub",       "/up/exists.bin", "/up/.bits-x",
    "/up/",          "/elsewhere/x",   "/up/a%2Fb",
    "/up/a.bin?x=1", "/off/x.bin",     "/up/exists.bin/x"};

}  // namespace

model_session* service_harness::pick_session() {
  std::uint8_t const k = in_.u8();
  if (sessions_.empty() || k >= 0xF0) return nullptr;  // an id the server never gave out
  return sessions_[k % sessions_.size()].get();
}

std::string service_harness::pick_target(model_session const* s) {
  std::uint8_t const k = in_.u8();
  if (s != nullptr && k < 0xC0) return s->target;
  if (k == 0xFF) return std::string(in_.short_text());
  return std::string(targets[k % targets.size()]);
}

std::string service_harness::pick_id(model_session const* s) {
  std::uint8_t const k = in_.u8();
  if (k == 0xFF) return std::string(in_.short_text());  // malformed, most likely
  if (s != nullptr && k < 0xF0) {
    auto text = s->id.to_string();
    if ((k & 1u) != 0) {
      for (char& c : text) c = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return text;
  }
  core::session_id::bytes_type bytes{};
  for (auto& b : bytes) b = in_.u8();
  return core::session_id(bytes).to_string();
}

std::string service_harness::pick_principal(model_session const* s) {
  std::uint8_t const k = in_.u8();
  if (k >= 0xF0) return "mallory";
  return s != nullptr ? s->principal : std::string((k & 1u) != 0 ? "alice" : "");
}

model_session* service_harness::find(core::session_id const& id) const {
  for (auto const& s : sessions_) {
    if (s->id == id) return s.get();
  }
  return nullptr;
}

}  // namespace bits::fuzz
