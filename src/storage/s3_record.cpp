// The session record object of the s3 store: the filesystem store's metadata JSON (so
// both stores encode a session alike) plus the multipart upload's id and part size.
#include "storage/metadata.hpp"
#include "storage/s3_store_impl.hpp"

#include <nlohmann/json.hpp>

namespace bits::storage::detail {

using json = nlohmann::json;

std::string encode_s3_record(s3_record const& r) {
  stored_metadata meta{r.record, 0, ""};
  meta.record.received = 0;  // the parts in the store say what is held
  json j;
  j["version"] = 1;
  j["upload_id"] = r.upload_id;
  j["part_size"] = r.part_size;
  if (r.request_object) j["request_object"] = true;
  j["session"] = json::parse(encode_metadata(meta), nullptr, /*allow_exceptions=*/false);
  return j.dump();
}

std::optional<s3_record> decode_s3_record(std::string_view text) {
  json const j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto const version = j.find("version");
  auto const upload_id = j.find("upload_id");
  auto const part_size = j.find("part_size");
  auto const session = j.find("session");
  if (version == j.end() || !version->is_number_unsigned() || version->get<std::uint64_t>() != 1 ||
      upload_id == j.end() || !upload_id->is_string() || part_size == j.end() ||
      !part_size->is_number_unsigned() || session == j.end() || !session->is_object()) {
    return std::nullopt;
  }
  auto meta = decode_metadata(session->dump());
  if (!meta) return std::nullopt;
  s3_record r{std::move(meta->record), upload_id->get<std::string>(),
              part_size->get<std::uint64_t>()};
  if (r.part_size < s3_min_part_size || r.upload_id.empty()) return std::nullopt;
  if (auto const request = j.find("request_object"); request != j.end()) {
    if (!request->is_boolean()) return std::nullopt;
    r.request_object = request->get<bool>();
  }
  return r;
}

}  // namespace bits::storage::detail
