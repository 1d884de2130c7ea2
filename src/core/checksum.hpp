// FNV-1a, the checksum of the spool's own records (metadata slots, tombstones) and of
// the client's state-file names. Catches torn and bit-flipped records; not a MAC and
// not for anything an attacker chooses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bits::core {

/// 64-bit FNV-1a of `bytes`.
[[nodiscard]] constexpr std::uint64_t fnv1a_64(std::string_view bytes) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (char const c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

/// 32-bit FNV-1a of `bytes`.
[[nodiscard]] constexpr std::uint32_t fnv1a_32(std::span<std::byte const> bytes) noexcept {
  std::uint32_t h = 2166136261U;
  for (auto const b : bytes) {
    h ^= static_cast<std::uint8_t>(b);
    h *= 16777619U;
  }
  return h;
}

}  // namespace bits::core
