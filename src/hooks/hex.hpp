// Lower-case hex text of bytes and back, for digests, event ids and signatures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bits::hooks {

/// Two lower-case hex digits per byte.
[[nodiscard]] std::string to_hex(std::span<std::uint8_t const> bytes);

/// The bytes of `text` (hex digits of either case, an even number of them), or
/// nullopt for anything else.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace bits::hooks
