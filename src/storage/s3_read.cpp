// Reading from the object store: published files for downloads and upload-reply
// replies, as readable_files whose bytes come from ranged GETs of one object version.
#include "storage/s3_store_impl.hpp"

#include <algorithm>
#include <cstring>

namespace bits::storage::detail {

namespace {

/// Ranged GETs of one version of one object (If-Match its ETag: a replaced object
/// fails the read instead of mixing two versions). Reads ahead in windows, since
/// callers read in small pieces.
class s3_source final : public byte_source {
 public:
  s3_source(s3::client& c, std::string key, std::string etag, std::uint64_t size)
      : client_(c), key_(std::move(key)), etag_(std::move(etag)), size_(size) {}

  status_or<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> into) override {
    if (offset >= size_ || into.empty()) return std::size_t{0};
    if (offset < window_start_ || offset >= window_start_ + window_.size()) {
      auto const want = std::max<std::uint64_t>(into.size(), window_size);
      auto const last = std::min(size_, offset + want) - 1;
      auto got = client_.get_object(key_, s3::byte_range{offset, last}, etag_);
      if (!got) return s3_failure("S3 GetObject range", got.error());
      if (got->empty()) return io_failure("S3 GetObject range returned nothing", EIO);
      window_ = std::move(*got);
      window_start_ = offset;
    }
    auto const at = static_cast<std::size_t>(offset - window_start_);
    auto const n = std::min(into.size(), window_.size() - at);
    std::memcpy(into.data(), window_.data() + at, n);
    return n;
  }

 private:
  static constexpr std::uint64_t window_size = 4 * 1024 * 1024;
  s3::client& client_;
  std::string key_;
  std::string etag_;
  std::uint64_t size_;
  std::vector<std::byte> window_;
  std::uint64_t window_start_ = 0;
};

/// A number that changes with the ETag (it goes into the download's own ETag).
std::uint64_t etag_number(std::string_view etag) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a
  for (char c : etag) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

status_or<readable_file> s3_store::open_published(std::string_view destination) {
  std::string key = object_key(destination);
  auto head = client_->head_object(key);
  if (!head) {
    if (head.error().kind == s3::errc::no_such_key) return error::invalid_path;
    return s3_failure("S3 HeadObject", head.error());
  }
  auto const size = head->size;
  auto const inode = etag_number(head->etag);
  auto const mtime_ns = head->last_modified * 1'000'000'000;
  return readable_file{std::make_unique<s3_source>(*client_, std::move(key), head->etag, size),
                       size, mtime_ns, inode};
}

status_or<readable_file> s3_store::open_reply(core::session_id const& id) {
  std::string key = reply_key(id);
  auto head = client_->head_object(key);
  if (!head) {
    // Every session with a reply has its object (an empty reply is an empty object):
    // none means the session ended, on whichever node.
    if (head.error().kind == s3::errc::no_such_key) return error::session_not_found;
    return s3_failure("S3 HeadObject reply", head.error());
  }
  auto const size = head->size;
  auto const inode = etag_number(head->etag);
  auto const mtime_ns = head->last_modified * 1'000'000'000;
  return readable_file{std::make_unique<s3_source>(*client_, std::move(key), head->etag, size),
                       size, mtime_ns, inode};
}

}  // namespace bits::storage::detail
