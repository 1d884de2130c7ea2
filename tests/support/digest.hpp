// Content checks for uploads: SHA-256 of buffers and files, and reproducible test data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace bits::test {

/// Lower-case hex SHA-256 of `data`.
[[nodiscard]] std::string sha256_hex(std::string_view data);

/// Lower-case hex SHA-256 of the file's contents, or "" when it cannot be read.
[[nodiscard]] std::string sha256_file_hex(std::filesystem::path const& file);

/// `size` pseudo-random bytes; the same (size, seed) always gives the same bytes.
[[nodiscard]] std::string random_bytes(std::size_t size, std::uint64_t seed);

/// Whole contents of a file, or "" when it cannot be read.
[[nodiscard]] std::string read_file(std::filesystem::path const& file);

/// Writes `data` to `file`, replacing it. Returns false on failure.
bool write_file(std::filesystem::path const& file, std::string_view data);

}  // namespace bits::test
