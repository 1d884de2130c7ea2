// Base64 (RFC 4648, standard alphabet with padding) for HTTP authentication headers:
// strict decoding of what a client sends, encoding of what the server sends back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bits::auth {

/// Decodes `in` only when it is canonical base64: standard alphabet, '=' padding to a
/// multiple of 4, zero padding bits, no whitespace. Returns nullopt for anything else,
/// including the empty string. Pure.
[[nodiscard]] std::optional<std::string> decode_base64_strict(std::string_view in);

/// Encodes `bytes` as canonical base64 (standard alphabet, '=' padding). Pure.
[[nodiscard]] std::string encode_base64(std::string_view bytes);

}  // namespace bits::auth
