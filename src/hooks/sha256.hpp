// SHA-256 of an upload computed while its bytes stream in, so a hook learns the file's
// digest without a second read of the file.
//
// The running state can be saved as text (with the session's metadata, or in an object
// store's session record) and restored in another process or on another node: EVP
// digest contexts are opaque and cannot be exported, so the stream is built on
// libcrypto's SHA256_CTX, whose state (eight chaining words, the bit count and the
// partial block) is a public structure. The compression function is the same OpenSSL
// code EVP runs. A session that resumes after a restart continues from the saved state
// and reads back only the bytes that arrived after it was saved (resume_sha256).
#pragma once

#include "core/error.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bits::hooks {

/// A SHA-256 value.
struct sha256_digest {
  std::array<std::uint8_t, 32> bytes{};

  /// 64 lower-case hex digits.
  [[nodiscard]] std::string hex() const;
  /// Standard base64 with padding (44 characters), as RFC 9530 headers carry it.
  [[nodiscard]] std::string base64() const;
  /// Parses 64 hex digits of either case; nullopt for anything else.
  [[nodiscard]] static std::optional<sha256_digest> from_hex(std::string_view text);

  friend bool operator==(sha256_digest const&, sha256_digest const&) = default;
};

/// SHA-256 of bytes fed in order. Copyable; not thread-safe.
class sha256_stream {
 public:
  /// A stream that has hashed nothing yet.
  sha256_stream() noexcept;

  /// Hashes `bytes` after everything hashed so far.
  void update(std::span<std::byte const> bytes) noexcept;
  void update(std::string_view bytes) noexcept;

  /// How many bytes were hashed so far.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// The digest of the bytes hashed so far; the stream itself goes on unchanged.
  [[nodiscard]] sha256_digest digest() const noexcept;

  /// The state as text, at most 240 ASCII characters without spaces:
  /// "sha256-v1:<size>:<64 hex: the eight chaining words>:<hex of the size % 64 bytes of
  /// the partial block>". Portable between processes, machines and OpenSSL builds.
  [[nodiscard]] std::string save() const;

  /// A stream continuing from a save() text; nullopt when `saved` is not one.
  [[nodiscard]] static std::optional<sha256_stream> restore(std::string_view saved);

 private:
  alignas(8) std::array<unsigned char, 112> ctx_{};  ///< a SHA256_CTX
  std::uint64_t size_ = 0;
};

/// Reads up to out.size() bytes at `offset` of the data being hashed into `out` and
/// returns how many were read; fewer than asked only at the end of the data.
using byte_reader =
    std::function<result<std::size_t>(std::uint64_t offset, std::span<std::byte> out)>;

/// What resume_sha256 did.
struct resumed_sha256 {
  sha256_stream stream;          ///< covers exactly the requested length
  std::uint64_t bytes_read = 0;  ///< how much it had to read through the reader
};

/// A stream over exactly the first `length` bytes of some data, for a session that
/// resumes in a new process: from `saved` (a save() text) when it is valid and covers
/// at most `length` bytes, reading only the bytes [saved size, length); otherwise
/// (nothing saved, damaged text, or a state beyond `length` because the data was cut
/// back after a power loss) from the start, reading [0, length). Errors: the reader's,
/// or error::storage_failure when the data ends before `length`.
[[nodiscard]] result<resumed_sha256> resume_sha256(std::string_view saved, std::uint64_t length,
                                                   byte_reader const& read);

}  // namespace bits::hooks
