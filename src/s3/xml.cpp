// Reading and writing S3's XML documents.
#include "s3/xml.hpp"

#include "core/number_text.hpp"

#include <pugixml.hpp>

#include <ctime>

namespace bits::s3::detail {

namespace {

bool load(pugi::xml_document& doc, std::string_view body) {
  return static_cast<bool>(
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8));
}

std::string text(pugi::xml_node n, char const* name) {
  return n.child(name).text().as_string();
}

template <class T>
T number(pugi::xml_node n, char const* name) {
  return static_cast<T>(core::parse_decimal_u64(text(n, name)).value_or(0));
}

bool truncated(pugi::xml_node n) {
  return text(n, "IsTruncated") == "true";
}

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::int64_t parse_iso8601(std::string_view text) {
  std::tm tm{};
  std::string const s(text);
  if (::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(::timegm(&tm));
}

std::optional<error_body> parse_error(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return std::nullopt;
  auto const e = doc.child("Error");
  if (!e) return std::nullopt;
  return error_body{text(e, "Code"), text(e, "Message"), text(e, "RequestId")};
}

std::optional<std::string> parse_upload_id(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return std::nullopt;
  std::string id = text(doc.child("InitiateMultipartUploadResult"), "UploadId");
  if (id.empty()) return std::nullopt;
  return id;
}

std::optional<parts_page> parse_list_parts(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return std::nullopt;
  auto const r = doc.child("ListPartsResult");
  if (!r) return std::nullopt;
  parts_page page;
  for (auto p : r.children("Part")) {
    page.parts.push_back(part_info{number<int>(p, "PartNumber"), number<std::uint64_t>(p, "Size"),
                                   text(p, "ETag"), parse_iso8601(text(p, "LastModified"))});
  }
  if (truncated(r)) page.next_marker = text(r, "NextPartNumberMarker");
  return page;
}

std::optional<objects_page> parse_list_objects(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return std::nullopt;
  auto const r = doc.child("ListBucketResult");
  if (!r) return std::nullopt;
  objects_page page;
  for (auto c : r.children("Contents")) {
    page.objects.push_back(object_entry{text(c, "Key"), number<std::uint64_t>(c, "Size"),
                                        text(c, "ETag"), parse_iso8601(text(c, "LastModified"))});
  }
  if (truncated(r)) page.next_token = text(r, "NextContinuationToken");
  return page;
}

std::optional<std::string> parse_complete(std::string_view body) {
  pugi::xml_document doc;
  if (!load(doc, body)) return std::nullopt;
  auto const r = doc.child("CompleteMultipartUploadResult");
  if (!r) return std::nullopt;
  return text(r, "ETag");
}

std::string complete_body(std::vector<part_info> const& parts) {
  std::string out = "<CompleteMultipartUpload>";
  for (auto const& p : parts) {
    out += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" +
           escape(p.etag) + "</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

}  // namespace bits::s3::detail
