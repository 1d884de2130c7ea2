// The upload_store of each virtual directory, as its storage setting says: the local
// file system, or an S3-compatible bucket shared by the nodes of a farm.
#pragma once

#include "config/daemon_config.hpp"
#include "storage/upload_store.hpp"

#include <memory>
#include <string>

namespace bits::app {

/// The node-local spool folder of `v`: spool_dir, or <root>/.bits-spool.
[[nodiscard]] std::string spool_dir_of(config::vdir_config const& v);

/// Opens the store of `v` (the spool or part buffer folder is created if missing).
/// With storage = "s3" the credentials are found here (never logged); nothing is sent
/// to the bucket yet (see upload_store::probe). Errors: storage_failure with the cause.
[[nodiscard]] status_or<std::unique_ptr<storage::upload_store>> open_store(
    config::vdir_config const& v);

}  // namespace bits::app
