// Store construction from the settings of a virtual directory.
#include "stores.hpp"

#include "s3/credentials.hpp"
#include "storage/s3_store.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <string>
#include <utility>

namespace bits::app {

std::string spool_dir_of(config::vdir_config const& v) {
  return v.spool_dir.empty() ? v.root + "/.bits-spool" : v.spool_dir;
}

status_or<std::unique_ptr<storage::upload_store>> open_store(config::vdir_config const& v) {
  std::string const spool = spool_dir_of(v);
  if (v.storage == settings::storage_kind::fs) {
    return storage::open_fs_store(v.root, spool,
                                  storage::fs_store_options{v.create_dirs, v.dir_mode.bits});
  }
  auto keys = s3::find_credentials(v.s3_credentials_file);
  if (!keys) return keys.error();
  storage::s3_store_options o;
  o.client.endpoint = v.s3_endpoint;
  o.client.bucket = v.s3_bucket;
  o.client.region = v.s3_region;
  o.client.virtual_host = v.s3_virtual_host;
  o.client.ca_file = v.s3_ca_file;
  o.client.keys = std::move(*keys);
  o.prefix = v.s3_prefix;
  o.part_size = v.s3_part_size;
  // The node's working folder: the part being filled of each open session, and the
  // files an upload-reply application reads and writes.
  o.buffer_dir = spool;
  o.upload_reply = v.notification_type != settings::notification_type::none;
  o.session_timeout = v.session_timeout.count();
  o.sweep_interval = v.cleanup_interval.count();
  if (::mkdir(v.root.c_str(), 0750) != 0 && errno != EEXIST) {
    return status::from_errno("create working folder '" + v.root + "'", errno);
  }
  return storage::open_s3_store(std::move(o));
}

}  // namespace bits::app
