// The spool entry's meta.json: a session_record plus what crash recovery needs.
// Internal to src/storage.
#pragma once

#include "storage/upload_store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::storage::detail {

/// Format version written in every meta.json; other versions are not loaded.
inline constexpr std::uint64_t metadata_version = 1;

/// Everything meta.json holds.
struct stored_metadata {
  session_record record;
  std::uint64_t durable = 0;  ///< leading bytes of the data file known to be synced
  std::string boot_id;        ///< kernel boot id when the file was written; "" = unknown
};

/// JSON text with the fields version, id (wire form), destination, principal, total
/// (null or number), received, durable, boot_id, state ("receiving" / "complete"),
/// created, last_activity. destination and principal are percent-encoded (bytes
/// outside printable ASCII, and '%') so that names which are not UTF-8 survive JSON
/// unchanged. Never throws except on allocation failure.
[[nodiscard]] std::string encode_metadata(stored_metadata const& meta);

/// Parses what encode_metadata wrote. nullopt for anything else: not JSON, another
/// version, a missing or mistyped field, a bad id or escape. Never throws except on
/// allocation failure.
[[nodiscard]] std::optional<stored_metadata> decode_metadata(std::string_view text);

}  // namespace bits::storage::detail
