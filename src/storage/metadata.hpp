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
/// created, last_activity, reply_token, reply_url, and when set sha256_state and
/// client_address. destination and principal are percent-encoded
/// (bytes outside printable ASCII, and '%') so that names which are not UTF-8 survive JSON
/// unchanged. Never throws except on allocation failure.
[[nodiscard]] std::string encode_metadata(stored_metadata const& meta);

/// Parses what encode_metadata wrote. nullopt for anything else: not JSON, another
/// version, a missing or mistyped field, a bad id or escape. Never throws except on
/// allocation failure.
[[nodiscard]] std::optional<stored_metadata> decode_metadata(std::string_view text);

// meta.json holds two slots, at offset 0 and at meta_slot_stride, and every save
// overwrites the older one in place: no new inode and no rename per save, and a save
// torn by a crash or a power cut leaves the other slot intact. A slot is one header line
// "bits-meta <seq> <length> <checksum>\n" (decimal, decimal, 16 hex digits of FNV-1a
// over the JSON) followed by the JSON text of encode_metadata; the valid slot with the
// larger seq is the current metadata.

/// Offset of the second slot; also the largest a slot may be.
inline constexpr std::uint64_t meta_slot_stride = 64 * 1024;

/// One metadata version with its sequence number.
struct meta_version {
  stored_metadata meta;
  std::uint64_t seq = 0;
};

/// The slot bytes for `meta` as version `seq` (written at slot_offset(seq)).
[[nodiscard]] std::string encode_meta_slot(stored_metadata const& meta, std::uint64_t seq);

/// Where version `seq` is written: odd versions (the first is 1) in the first slot,
/// even ones in the second.
[[nodiscard]] constexpr std::uint64_t slot_offset(std::uint64_t seq) noexcept {
  return (seq % 2 == 1) ? 0 : meta_slot_stride;
}

/// The size of the slot that `bytes` starts with (header line plus JSON), from its
/// header; nullopt when there is no valid header. Nothing else is checked.
[[nodiscard]] std::optional<std::uint64_t> meta_slot_size(std::string_view bytes);

/// Parses one slot: `bytes` starts at the slot and may run past its end (the rest is
/// ignored). nullopt when the header, the checksum or the JSON is not valid.
[[nodiscard]] std::optional<meta_version> decode_meta_slot(std::string_view bytes);

/// The current metadata of a meta.json whose two slots start with `first` and
/// `second` (either may be empty): the valid slot with the larger seq, else nullopt.
[[nodiscard]] std::optional<meta_version> decode_meta_slots(std::string_view first,
                                                            std::string_view second);

}  // namespace bits::storage::detail
